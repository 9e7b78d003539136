import type { LoadedScenario } from "../scenario/loadScenario.js";
import type { ResultLine } from "./ResultsFile.js";
import { runReplicate } from "./runReplicate.js";
import { type SweepAxis, sweepAxes } from "./SweepAxis.js";
import { type SweepPlan, sweepPlan } from "./SweepPlan.js";
import { type SummaryRow, sweepSummary } from "./sweepSummary.js";

/** Options of sweepInMemory. */
export interface SweepInMemoryOptions {
  /**
   * The axes: dotted scenario paths and their values, e.g.
   * `{ "agents.count": [1, 3, 5] }` (in order), or a list of SweepAxis.
   * Default: the scenario's own `sweep` block.
   */
  axes?: Record<string, readonly unknown[]> | readonly SweepAxis[];
  /** Called after each (point, replicate) run, for progress. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * One run of a sweep: `point`, `replicate`, the point's `params`, then every
 * RunResult field (a line of results.jsonl without its checksum; a metric
 * that does not apply is null).
 */
export type SweepResult = Record<string, unknown> & {
  point: number;
  replicate: number;
  params: Record<string, unknown>;
};

/** What sweepInMemory returns: the plan, every run's result, and one summary row per point. */
export interface SweepInMemoryResult {
  plan: SweepPlan;
  /** In (point, replicate) order. */
  results: SweepResult[];
  /** The rows of summary.json (sweepSummary): params, replicates, mean/p50/p95/CI of every metric. */
  summary: SummaryRow[];
}

/**
 * Runs a small sweep (grid × replicates) in this thread and keeps everything
 * in memory, with no directory, manifest or workers: the same results and
 * summary rows `teamsim sweep` writes for the same scenario and axes. Large
 * sweeps belong to `teamsim sweep` (resumable, parallel, sharded).
 */
export function sweepInMemory(
  loaded: LoadedScenario,
  options: SweepInMemoryOptions = {},
): SweepInMemoryResult {
  const given = options.axes;
  const block: Record<string, unknown[]> | undefined =
    given === undefined
      ? loaded.scenario.sweep
      : Object.fromEntries(
          isAxisList(given)
            ? given.map((a) => [a.path, [...a.values]])
            : Object.entries(given).map(([path, values]) => [path, [...values]]),
        );
  // sweepAxes refuses an empty axis, as `teamsim sweep` does.
  const axes = sweepAxes(block, []);
  const points: LoadedScenario[] = [];
  const plan = sweepPlan(loaded, axes, { onPoint: (_point, at) => points.push(at) });
  const total = plan.points.length * plan.replicates;
  const lines: ResultLine[] = [];
  const results: SweepResult[] = [];
  for (const point of plan.points) {
    const { scenario, profiles } = points[point.index];
    for (let r = 0; r < plan.replicates; r++) {
      const { result } = runReplicate(scenario, profiles, r);
      const { replicate, ...rest } = result;
      // The words of SweepTaskRunner: the JSON text is what a sweep directory holds (NaN as null).
      const text = JSON.stringify({ point: point.index, replicate, params: point.params, ...rest });
      lines.push({ point: point.index, replicate, text });
      results.push(JSON.parse(text) as SweepResult);
      options.onProgress?.(lines.length, total);
    }
  }
  return { plan, results, summary: sweepSummary(lines) };
}

function isAxisList(
  axes: Record<string, readonly unknown[]> | readonly SweepAxis[],
): axes is readonly SweepAxis[] {
  return Array.isArray(axes);
}
