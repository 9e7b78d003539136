import { CsvError, parse } from "csv-parse/sync";
import { InputError } from "../core/InputError.js";
import { readTextFile } from "./readTextFile.js";

/** How one column of a CSV table is read. */
export type ColumnKind = "string" | "number" | "integer" | "flag";

/** One data row of a CSV table: the cells by column name, and its line in the file. */
export interface CsvRow {
  cells: Record<string, string | number>;
  line: number;
}

/** One parsed CSV record and the line it ends on. */
export interface CsvRecord {
  record: string[];
  info: { lines: number };
}

/**
 * Parses a CSV file into records with their line numbers (`#` starts a
 * comment, blank lines are skipped, cells are trimmed); a syntax error is an
 * InputError naming the file and line.
 */
export function readCsvRecords(file: string): CsvRecord[] {
  const text = readTextFile(file);
  try {
    return parse(text, {
      info: true,
      trim: true,
      skip_empty_lines: true,
      comment: "#",
    }) as unknown as CsvRecord[];
  } catch (e) {
    if (e instanceof CsvError) {
      const line = (e as CsvError & { lines?: number }).lines;
      throw new InputError(
        line === undefined ? file : `${file}:${line}`,
        "",
        undefined,
        undefined,
        "valid CSV",
        e.message.replace(/^Invalid /, "invalid "),
      );
    }
    throw e;
  }
}

/**
 * Reads a CSV file with a header line and checks that it has every column in
 * `columns` (others are ignored; `#` starts a comment). Cells are converted to
 * the column's kind; every problem is an InputError naming the file, line and
 * column. An empty file or a header without data rows is an error.
 */
export function readCsvTable(file: string, columns: Record<string, ColumnKind>): CsvRow[] {
  const rows = readCsvRecords(file);
  const wanted = Object.keys(columns);
  if (rows.length === 0) {
    throw new InputError(
      file,
      "",
      undefined,
      undefined,
      `a header line with columns ${wanted.join(", ")}`,
      "an empty file",
    );
  }
  const header = rows[0].record.map((h) => h.trim().toLowerCase());
  const missing = wanted.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    throw new InputError(
      `${file}:${rows[0].info.lines}`,
      "",
      undefined,
      undefined,
      `a header with columns ${wanted.join(", ")}`,
      `no column ${missing.join(", ")}`,
    );
  }
  if (rows.length === 1) {
    throw new InputError(
      file,
      "",
      undefined,
      undefined,
      "at least one data row after the header",
      "only the header",
    );
  }
  const index = wanted.map((c) => header.indexOf(c));
  return rows.slice(1).map(({ record, info }) => {
    const cells: Record<string, string | number> = {};
    for (let i = 0; i < wanted.length; i++) {
      const name = wanted[i];
      cells[name] = convert(record[index[i]], columns[name], name, `${file}:${info.lines}`);
    }
    return { cells, line: info.lines };
  });
}

function convert(
  text: string | undefined,
  kind: ColumnKind,
  column: string,
  where: string,
): string | number {
  const raw = text ?? "";
  if (kind === "string") {
    if (raw === "") throw new InputError(where, column, undefined, undefined, "a value", "nothing");
    return raw;
  }
  const v = raw === "" ? Number.NaN : Number(raw);
  const expected =
    kind === "flag" ? "0 or 1" : kind === "integer" ? "a whole number >= 0" : "a number >= 0";
  const ok =
    Number.isFinite(v) &&
    v >= 0 &&
    (kind !== "integer" || Number.isInteger(v)) &&
    (kind !== "flag" || v === 0 || v === 1);
  if (!ok) {
    throw new InputError(
      where,
      column,
      undefined,
      undefined,
      expected,
      raw === "" ? "nothing" : JSON.stringify(raw),
    );
  }
  return v;
}
