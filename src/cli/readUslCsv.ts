import { InputError } from "../core/InputError.js";
import { readCsvRecords } from "../scenario/readCsvTable.js";

/** Measurements read for a USL fit: which column held y, and the points. */
export interface UslMeasurements {
  column: "speedup" | "throughput";
  points: { n: number; y: number; line: number }[];
}

/**
 * Reads a CSV with a header naming the columns `n` and `speedup` or
 * `throughput` (other columns are ignored; `#` starts a comment). Every problem
 * is an InputError naming the file and line.
 */
export function readUslCsv(file: string): UslMeasurements {
  const rows = readCsvRecords(file);
  if (rows.length === 0) {
    throw new InputError(
      file,
      "",
      undefined,
      undefined,
      "a header line with columns n and speedup (or throughput)",
      "an empty file",
    );
  }
  const header = rows[0].record.map((h) => h.toLowerCase());
  const at = (line: number) => `${file}:${line}`;
  const nCol = header.indexOf("n");
  const column = header.includes("speedup")
    ? "speedup"
    : header.includes("throughput")
      ? "throughput"
      : undefined;
  if (nCol < 0 || column === undefined) {
    throw new InputError(
      at(rows[0].info.lines),
      "",
      undefined,
      undefined,
      "a header with columns n and speedup (or throughput)",
      `columns ${rows[0].record.map((h) => JSON.stringify(h)).join(", ")}`,
    );
  }
  const yCol = header.indexOf(column);
  const points = rows.slice(1).map(({ record, info }) => {
    const n = cell(record[nCol], "n", at(info.lines));
    const y = cell(record[yCol], column, at(info.lines));
    if (n < 1)
      throw new InputError(
        at(info.lines),
        "n",
        undefined,
        undefined,
        "a team size >= 1",
        record[nCol],
      );
    if (y <= 0)
      throw new InputError(
        at(info.lines),
        column,
        undefined,
        undefined,
        "a number > 0",
        record[yCol],
      );
    return { n, y, line: info.lines };
  });
  const sizes = new Set(points.filter((p) => p.n > 1).map((p) => p.n));
  if (sizes.size < 2) {
    throw new InputError(
      file,
      "",
      undefined,
      undefined,
      "measurements at two or more team sizes above 1 (to separate alpha from beta)",
      sizes.size === 0 ? "none" : `only n = ${[...sizes][0]}`,
    );
  }
  if (column === "throughput" && !points.some((p) => p.n === 1)) {
    throw new InputError(
      file,
      "",
      undefined,
      undefined,
      "a row with n = 1 (throughputs are divided by the throughput of one to give speedups)",
      "none",
    );
  }
  return { column, points };
}

function cell(text: string | undefined, column: string, where: string): number {
  const v = text === undefined || text === "" ? Number.NaN : Number(text);
  if (!Number.isFinite(v)) {
    throw new InputError(
      where,
      column,
      undefined,
      undefined,
      "a number",
      text === undefined || text === "" ? "nothing" : JSON.stringify(text),
    );
  }
  return v;
}
