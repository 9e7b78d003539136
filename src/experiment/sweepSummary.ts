import { METRICS, metricRange } from "../metrics/RunResult.js";
import { summarize } from "../metrics/summarize.js";
import type { ResultLine } from "./ResultsFile.js";

/** One row of a sweep summary: column name (dotted param path or `<metric>.<stat>`) to value. */
export type SummaryRow = Record<string, unknown>;

const STATS = ["mean", "p50", "p95", "ci95_lo", "ci95_hi"] as const;

/**
 * One row per point that has results, in point order: `point`, the point's
 * params, `replicates`, then mean, p50, p95 and the 95% CI of the mean of every
 * metric over the point's replicates. Computed from the lines sorted by
 * (point, replicate), so the same set of results gives the same bytes however
 * it was produced. `call_latency_s` here summarizes the per-replicate means.
 * A metric that is neither a number nor null (not applicable) is an error,
 * never left out of the mean unnoticed (readResults rejects such lines first).
 */
export function sweepSummary(lines: readonly ResultLine[]): SummaryRow[] {
  const sorted = sortResults(lines);
  const rows: SummaryRow[] = [];
  let i = 0;
  while (i < sorted.length) {
    const point = sorted[i].point;
    const group: Record<string, unknown>[] = [];
    while (i < sorted.length && sorted[i].point === point) group.push(JSON.parse(sorted[i++].text));
    const row: SummaryRow = { point, ...(group[0].params as Record<string, unknown>) };
    row.replicates = group.length;
    for (const m of METRICS) {
      const s = summarize(
        group.map((g) => metricValue(g, m)),
        metricRange(m),
      );
      const values = [s.mean, s.p50, s.p95, s.ci95?.[0] ?? Number.NaN, s.ci95?.[1] ?? Number.NaN];
      STATS.forEach((stat, k) => {
        row[`${m}.${stat}`] = Number.isFinite(values[k]) ? values[k] : null;
      });
    }
    rows.push(row);
  }
  return rows;
}

// A metric of a results line: null (NaN written as JSON) means "not applicable".
function metricValue(line: Record<string, unknown>, metric: string): number {
  const v = line[metric];
  if (typeof v === "number") return v;
  if (v === null) return Number.NaN;
  throw new Error(
    `results line of point ${line.point} replicate ${line.replicate}: ${metric} is ${JSON.stringify(v) ?? "missing"}, not a number`,
  );
}

/** Results lines in (point, replicate) order. */
export function sortResults(lines: readonly ResultLine[]): ResultLine[] {
  return [...lines].sort((a, b) => a.point - b.point || a.replicate - b.replicate);
}

/** The summary as CSV: a header of every column, then one line per row (null as an empty field). */
export function summaryCsv(rows: readonly SummaryRow[]): string {
  const columns: string[] = [];
  for (const row of rows)
    for (const k of Object.keys(row)) if (!columns.includes(k)) columns.push(k);
  const out = [columns.map(csvField).join(",")];
  for (const row of rows) out.push(columns.map((c) => csvField(row[c])).join(","));
  return `${out.join("\n")}\n`;
}

function csvField(v: unknown): string {
  if (v === null || v === undefined) return "";
  const text = typeof v === "string" ? v : typeof v === "number" ? String(v) : JSON.stringify(v);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
