import type { TopLevelSpec } from "vega-lite";
import { defaultSweepFigures, sweepFigureSpec } from "./sweepFigure.js";

/**
 * The scaling figures of a sweep directory for its report: the figures
 * `teamsim sweep --plot` draws (accuracy against the first numeric axis,
 * speedup against team size when it varies, the cost–accuracy Pareto front).
 */
export function sweepReportFigures(
  dir: string,
  axes: readonly { path: string }[],
): { title: string; spec: TopLevelSpec }[] {
  return defaultSweepFigures(dir, axes).map(({ name, request }) => ({
    title: name,
    spec: sweepFigureSpec(dir, request),
  }));
}
