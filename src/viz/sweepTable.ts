import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { parse } from "csv-parse/sync";
import { InputError } from "../core/InputError.js";

/** One row of a table read for plotting: column name to value. */
export type TableRow = Record<string, unknown>;

/** A table and where it came from (for error messages). */
export interface Table {
  source: string;
  rows: TableRow[];
}

/**
 * A sweep's summary rows from a sweep directory, its summary.json, or its
 * summary.csv (empty CSV fields read as null, numbers as numbers).
 */
export function readSummary(path: string): Table {
  const file = isDirectory(path) ? join(path, "summary.json") : path;
  const text = readText(file, "a sweep directory, summary.json or summary.csv");
  if (file.toLowerCase().endsWith(".csv")) {
    let records: Record<string, string>[];
    try {
      records = parse(text, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
    } catch (e) {
      throw new InputError(file, "", undefined, undefined, "a CSV summary", (e as Error).message);
    }
    return { source: file, rows: records.map(castCsvRow) };
  }
  let rows: unknown;
  try {
    rows = JSON.parse(text);
  } catch (e) {
    throw new InputError(file, "", undefined, undefined, "a JSON summary", (e as Error).message);
  }
  if (!Array.isArray(rows) || rows.some((r) => r === null || typeof r !== "object")) {
    throw new InputError(
      file,
      "",
      undefined,
      undefined,
      "an array of summary rows",
      "another value",
    );
  }
  return { source: file, rows: rows as TableRow[] };
}

/**
 * A sweep's per-replicate results (results.jsonl) as flat rows: `point`,
 * `replicate`, the params by dotted path, then every measurement. `path` is the
 * sweep directory, its results.jsonl, or one of its summary files.
 */
export function readResultRows(path: string): Table {
  let file = path;
  if (isDirectory(path)) file = join(path, "results.jsonl");
  else if (basename(path) !== "results.jsonl" && !path.endsWith(".jsonl")) {
    file = join(dirname(path), "results.jsonl");
  }
  const text = readText(file, "a sweep directory holding results.jsonl");
  const rows: TableRow[] = [];
  const lines = text.split("\n");
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    let doc: Record<string, unknown>;
    try {
      doc = JSON.parse(line) as Record<string, unknown>;
    } catch {
      // A line cut short by a kill is not a result (the sweep's own reader skips it too).
      if (i === lines.length - 1) return;
      throw new InputError(file, "", i + 1, 1, "a JSON result line", "invalid JSON");
    }
    // The line's checksum (see ResultsFile.ts) is no measurement.
    const { params, sha256: _sum, ...fields } = doc;
    rows.push({ ...(params as Record<string, unknown>), ...fields });
  });
  rows.sort(
    (a, b) => Number(a.point) - Number(b.point) || Number(a.replicate) - Number(b.replicate),
  );
  return { source: file, rows };
}

/** Every column of the table, in first-seen order. */
export function tableColumns(table: Table): string[] {
  const columns: string[] = [];
  for (const row of table.rows)
    for (const k of Object.keys(row)) if (!columns.includes(k)) columns.push(k);
  return columns;
}

/** Checks that `column` is in the table; otherwise an InputError listing the available ones. */
export function requireColumn(table: Table, column: string, flag: string): void {
  const columns = tableColumns(table);
  if (!columns.includes(column)) {
    throw new InputError(
      flag,
      "",
      undefined,
      undefined,
      `a column of ${table.source} (available: ${columns.join(", ")})`,
      JSON.stringify(column),
    );
  }
}

/** The value as a finite number, or undefined. */
export function finite(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

/** A cell as a legend label (series names are strings). */
export function label(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v ?? null);
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function readText(file: string, expected: string): string {
  if (!existsSync(file))
    throw new InputError(file, "", undefined, undefined, expected, "no such file");
  return readFileSync(file, "utf8");
}

function castCsvRow(record: Record<string, string>): TableRow {
  const row: TableRow = {};
  for (const [k, v] of Object.entries(record)) {
    if (v === "") row[k] = null;
    else if (/^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(v)) row[k] = Number(v);
    else if (v === "true" || v === "false") row[k] = v === "true";
    else row[k] = v;
  }
  return row;
}
