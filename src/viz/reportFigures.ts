import type { TopLevelSpec } from "vega-lite";
import { sweepFigureSpec } from "./sweepFigure.js";
import { finite, readSummary, tableColumns } from "./sweepTable.js";

/**
 * The scaling figures of a sweep directory for its report, chosen as
 * `teamsim sweep` chooses its default figures: accuracy against the first
 * numeric axis, speedup against team size when it varies, and the cost–accuracy
 * Pareto front.
 */
export function sweepReportFigures(
  dir: string,
  axes: readonly { path: string }[],
): { title: string; spec: TopLevelSpec }[] {
  const summary = readSummary(dir);
  const columns = tableColumns(summary);
  const numeric = (col: string) =>
    summary.rows.length > 0 && summary.rows.every((r) => finite(r[col]) !== undefined);
  const varies = (col: string) =>
    new Set(summary.rows.map((r) => finite(r[col])).filter((v) => v !== undefined)).size > 1;
  const out: { title: string; spec: TopLevelSpec }[] = [];
  const xAxis = axes.find((a) => columns.includes(a.path) && numeric(a.path))?.path;
  if (xAxis !== undefined && numeric("accuracy.mean")) {
    const other = axes.find((a) => a.path !== xAxis && columns.includes(a.path))?.path;
    const band = numeric("accuracy.ci95_lo") && numeric("accuracy.ci95_hi");
    out.push({
      title: "scaling",
      spec: sweepFigureSpec(dir, { kind: "scaling", x: xAxis, color: other, band }),
    });
  }
  if (columns.includes("agents.count") && numeric("speedup.mean") && varies("speedup.mean")) {
    const color = axes.find((a) => a.path !== "agents.count" && columns.includes(a.path))?.path;
    out.push({ title: "speedup", spec: sweepFigureSpec(dir, { kind: "speedup", color }) });
  }
  if (numeric("cost_usd.mean") && numeric("accuracy.mean")) {
    const color = axes.find((a) => columns.includes(a.path))?.path;
    out.push({ title: "pareto", spec: sweepFigureSpec(dir, { kind: "pareto", color }) });
  }
  return out;
}
