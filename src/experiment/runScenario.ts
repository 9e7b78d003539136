import type { Verdict } from "../checkers/Verdict.js";
import type { Trace } from "../core/Trace.js";
import { LatencyPool } from "../metrics/LatencyPool.js";
import { METRICS, type MetricName, metricRange, type RunResult } from "../metrics/RunResult.js";
import { type MetricSummary, summarize } from "../metrics/summarize.js";
import type { LoadedScenario } from "../scenario/loadScenario.js";
import type { Scenario } from "../scenario/ScenarioSchema.js";
import { replicateSeed, runReplicate } from "./runReplicate.js";

/** How the liveness verdicts of a run's replicates came out. */
export interface LivenessTally {
  /** Every owed decision came within the bound. */
  ok: number;
  /** An owed decision never came (stalled) or came too late. */
  failed: number;
  /** Nothing was owed (no promise, a fault that never heals, too few correct nodes up). */
  not_applicable: number;
  /** The horizon came before the bound ran out. */
  inconclusive: number;
}

/** A failed safety or liveness check, with what reproduces it. */
export interface ViolationReport {
  replicate: number;
  /** The replicate's seed: `teamsim run` with `--seed` and this replicate reproduces it. */
  replicate_seed: string;
  check: string;
  detail: string;
}

/** The output document of `teamsim run --json` (the output contract of DESIGN.md). */
export interface RunReport {
  scenario: string;
  seed: string | number;
  replicates: number;
  /** With `only`: the one replicate that was run. */
  replicate?: number;
  protocol: string;
  model: string;
  agents: number;
  summary: Record<MetricName, MetricSummary> & {
    violations: number;
    liveness_violations: number;
    liveness: LivenessTally;
  };
  end_reasons: Record<string, number>;
  violations: ViolationReport[];
  /** The scenario as written, after `--set` overrides (feed it back to `teamsim run` to reproduce). */
  config: unknown;
}

/** Options of runScenario. */
export interface RunScenarioOptions {
  /** Trace of the first replicate. */
  trace?: Trace;
  /** Called after each replicate (for progress bars). */
  onProgress?: (done: number, total: number) => void;
  /** Keep every replicate's RunResult in the return value. */
  keepRuns?: boolean;
  /** Run only this replicate (to reproduce a reported violation); its trace is the one written. */
  only?: number;
}

/** Runs every replicate of one scenario configuration and summarizes them. */
export function runScenario(
  loaded: LoadedScenario,
  options: RunScenarioOptions = {},
): { report: RunReport; runs: RunResult[] } {
  const { scenario, profiles } = loaded;
  const only = options.only;
  const n = only === undefined ? scenario.replicates : 1;
  const first = only ?? 0;
  const columns = new Map<MetricName, Float64Array>(METRICS.map((m) => [m, new Float64Array(n)]));
  const pool = new LatencyPool();
  const onCallLatency = (x: number) => pool.push(x);
  const endReasons: Record<string, number> = {};
  const violations: ViolationReport[] = [];
  const runs: RunResult[] = [];
  let violationCount = 0;
  const liveness: LivenessTally = { ok: 0, failed: 0, not_applicable: 0, inconclusive: 0 };
  for (let i = 0; i < n; i++) {
    const r = first + i;
    const { result, verdicts } = runReplicate(scenario, profiles, r, {
      trace: i === 0 ? options.trace : undefined,
      onCallLatency,
    });
    for (const m of METRICS) (columns.get(m) as Float64Array)[i] = result[m];
    endReasons[result.end_reason] = (endReasons[result.end_reason] ?? 0) + 1;
    violationCount += result.violations;
    const live = verdicts.find((v) => v.check === "liveness");
    if (live !== undefined) {
      if (!live.ok) liveness.failed++;
      else if (live.note === "n/a") liveness.not_applicable++;
      else if (live.note === "inconclusive") liveness.inconclusive++;
      else liveness.ok++;
    }
    collectViolations(violations, verdicts, scenario, r);
    if (options.keepRuns) runs.push(result);
    options.onProgress?.(i + 1, n);
  }
  const summary = {} as Record<MetricName, MetricSummary>;
  for (const m of METRICS) summary[m] = summarize(columns.get(m) as Float64Array, metricRange(m));
  // Call latency is pooled over every call of every replicate; its CI is that of
  // the per-replicate means, the independent units.
  const perReplicate = summary.call_latency_s;
  summary.call_latency_s = { ...summarize(pool.values(), metricRange("call_latency_s")) };
  if (perReplicate.ci95) summary.call_latency_s.ci95 = perReplicate.ci95;
  else delete summary.call_latency_s.ci95;
  const report: RunReport = {
    scenario: scenario.name,
    seed: scenario.seed,
    replicates: n,
    ...(only === undefined ? {} : { replicate: only }),
    protocol: scenario.team.protocol,
    model: scenario.agents.model,
    agents: scenario.agents.count,
    summary: {
      ...summary,
      violations: violationCount,
      liveness_violations: liveness.failed,
      liveness,
    },
    end_reasons: endReasons,
    violations,
    config: loaded.input,
  };
  return { report, runs };
}

const MAX_REPORTED_VIOLATIONS = 20;

function collectViolations(
  out: ViolationReport[],
  verdicts: readonly Verdict[],
  scenario: Scenario,
  r: number,
): void {
  for (const v of verdicts) {
    if (v.ok || out.length >= MAX_REPORTED_VIOLATIONS) continue;
    out.push({
      replicate: r,
      replicate_seed: replicateSeed(scenario.seed, r),
      check: v.check,
      detail: v.detail ?? "",
    });
  }
}
