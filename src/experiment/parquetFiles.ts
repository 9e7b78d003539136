import { join } from "node:path";
import { type ColumnSource, parquetWriteBuffer } from "hyparquet-writer";
import { InputError } from "../core/InputError.js";
import { type ResultLine, writeFileAtomic } from "./ResultsFile.js";
import type { SummaryRow } from "./sweepSummary.js";
import { sortResults } from "./sweepSummary.js";

/** The output formats of a sweep: results.jsonl always; parquet adds results.parquet and summary.parquet. */
export const SWEEP_FORMATS = ["jsonl", "parquet"] as const;
/** One of SWEEP_FORMATS. */
export type SweepFormat = (typeof SWEEP_FORMATS)[number];

/** The Parquet files of a sweep directory. */
export function parquetFiles(dir: string) {
  return { results: join(dir, "results.parquet"), summary: join(dir, "summary.parquet") };
}

// Keys whose whole-number values are counts or indices, stored as INT32 so pandas
// sees integers; metrics stay DOUBLE in every file so the schema does not depend on the data.
const INTEGER_KEYS = new Set(["point", "replicate", "replicates"]);

/**
 * Flattens results lines into table rows in (point, replicate) order: point,
 * replicate, each param by its dotted path, then every RunResult field.
 */
export function resultRows(lines: readonly ResultLine[]): {
  rows: Record<string, unknown>[];
  params: Set<string>;
} {
  const params = new Set<string>();
  const rows = sortResults(lines).map((l) => {
    // The checksum guards the JSON line, not the measurements: no column for it.
    const {
      point,
      replicate,
      params: p,
      sha256: _sum,
      ...rest
    } = JSON.parse(l.text) as Record<string, unknown>;
    const ps = (p ?? {}) as Record<string, unknown>;
    for (const k of Object.keys(ps)) params.add(k);
    return { point, replicate, ...ps, ...rest };
  });
  return { rows, params };
}

/**
 * The Parquet bytes of a table: one column per key (in first-seen order), typed
 * from its values: INT32 for point/replicate/replicates and whole-number params,
 * DOUBLE for other numbers, BOOLEAN, STRING, and JSON text for anything else
 * (objects, lists, mixed types). Missing values are nulls.
 */
export function parquetTable(
  rows: readonly Record<string, unknown>[],
  intKeys: ReadonlySet<string>,
): Uint8Array {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const row of rows)
    for (const k of Object.keys(row))
      if (!seen.has(k)) {
        seen.add(k);
        names.push(k);
      }
  const columnData: ColumnSource[] = names.map((name) => {
    const values = rows.map((r) => (r[name] === undefined ? null : r[name]));
    const present = values.filter((v) => v !== null);
    if (present.length > 0 && present.every((v) => typeof v === "number")) {
      const ints =
        (INTEGER_KEYS.has(name) || intKeys.has(name)) &&
        present.every((v) => Number.isInteger(v) && Math.abs(v as number) < 2 ** 31);
      return { name, data: values, type: ints ? "INT32" : "DOUBLE" };
    }
    if (present.length > 0 && present.every((v) => typeof v === "boolean"))
      return { name, data: values, type: "BOOLEAN" };
    if (present.every((v) => typeof v === "string")) return { name, data: values, type: "STRING" };
    return {
      name,
      data: values.map((v) => (v === null ? null : JSON.stringify(v))),
      type: "STRING",
    };
  });
  const buffer = parquetWriteBuffer({ columnData, createdBy: "teamsim" });
  return new Uint8Array(buffer);
}

/** Writes DIR/results.parquet and DIR/summary.parquet (each atomically). */
export function writeParquet(
  dir: string,
  lines: readonly ResultLine[],
  summary: readonly SummaryRow[],
): void {
  const files = parquetFiles(dir);
  const { rows, params } = resultRows(lines);
  writeFileAtomic(files.results, parquetTable(rows, params));
  writeFileAtomic(files.summary, parquetTable(summary, params));
}

/** Checks a `--format` value. */
export function parseSweepFormat(text: string): SweepFormat {
  const format = SWEEP_FORMATS.find((f) => f === text);
  if (format === undefined) {
    throw new InputError(
      "--format",
      "",
      undefined,
      undefined,
      SWEEP_FORMATS.join(" or "),
      JSON.stringify(text),
    );
  }
  return format;
}
