import { METRICS, type MetricName, metricRange } from "../metrics/RunResult.js";
import { type MetricSummary, summarize } from "../metrics/summarize.js";
import type { LoadedScenario } from "../scenario/loadScenario.js";
import { runReplicate } from "./runReplicate.js";

/** Options of simulatePoint. */
export interface SimulatePointOptions {
  /** Replicates to run (default: the scenario's). */
  replicates?: number;
  /** Also run the `single` baseline of every replicate, which speedup needs (default false: speedup is NaN). */
  speedup?: boolean;
}

/**
 * Every metric's summary over the replicates of one configuration, without
 * runScenario's report, traces and pooled latencies: what compare and
 * recommend need, at half the cost when speedup is not wanted.
 */
export function simulatePoint(
  loaded: LoadedScenario,
  options: SimulatePointOptions = {},
): Record<MetricName, MetricSummary> {
  const { scenario, profiles } = loaded;
  const n = options.replicates ?? scenario.replicates;
  const columns = new Map<MetricName, Float64Array>(METRICS.map((m) => [m, new Float64Array(n)]));
  for (let r = 0; r < n; r++) {
    const { result } = runReplicate(scenario, profiles, r, { noBaseline: !options.speedup });
    for (const m of METRICS) (columns.get(m) as Float64Array)[r] = result[m];
  }
  const out = {} as Record<MetricName, MetricSummary>;
  for (const m of METRICS) out[m] = summarize(columns.get(m) as Float64Array, metricRange(m));
  return out;
}
