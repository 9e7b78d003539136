import { LatencyPool } from "../metrics/LatencyPool.js";
import { METRICS, type MetricName, metricRange } from "../metrics/RunResult.js";
import { type MetricSummary, summarize } from "../metrics/summarize.js";
import type { Scenario } from "../scenario/ScenarioSchema.js";
import type { ReplicateDigest } from "./digestReplicate.js";
import type { LivenessTally, RunReport, ViolationReport } from "./RunReport.js";
import { replicateSeed } from "./runReplicate.js";

const MAX_REPORTED_VIOLATIONS = 20;

/**
 * The summary of a run built replicate by replicate: one column per metric
 * and the pooled call latencies, never a replicate's world. Digests may be
 * put in any order (workers finish when they finish); they are added in
 * replicate order, on which the violations listed and the order of the end
 * reasons depend, so the report is the same for any number of workers. Only
 * digests that arrive ahead of a slower replicate wait, a few batches' worth.
 */
export class RunTally {
  private readonly columns = new Map<MetricName, Float64Array>();
  private readonly pool = new LatencyPool();
  private readonly endReasons: Record<string, number> = {};
  private readonly violations: ViolationReport[] = [];
  private readonly liveness: LivenessTally = {
    ok: 0,
    failed: 0,
    not_applicable: 0,
    inconclusive: 0,
  };
  private violationCount = 0;
  private count = 0;
  private readonly early = new Map<number, ReplicateDigest>();

  /** A tally of `size` replicates, numbered from `first`. */
  constructor(
    private readonly scenario: Scenario,
    readonly size: number,
    private readonly first = 0,
  ) {
    for (const m of METRICS) this.columns.set(m, new Float64Array(size));
  }

  /** Replicates put so far, in whatever order. */
  get received(): number {
    return this.count + this.early.size;
  }

  /** Puts replicate `r`'s digest: it is added once every replicate before it is. */
  put(r: number, d: ReplicateDigest): void {
    const i = r - this.first;
    if (!Number.isInteger(i) || i < this.count || i >= this.size || this.early.has(r))
      throw new Error(`replicate ${r} put twice or out of range`);
    this.early.set(r, d);
    for (let next = this.early.get(this.first + this.count); next !== undefined; ) {
      this.early.delete(this.first + this.count);
      this.add(next);
      next = this.early.get(this.first + this.count);
    }
  }

  private add(d: ReplicateDigest): void {
    const i = this.count++;
    const r = this.first + i;
    const { result } = d;
    for (const m of METRICS) (this.columns.get(m) as Float64Array)[i] = result[m];
    this.endReasons[result.end_reason] = (this.endReasons[result.end_reason] ?? 0) + 1;
    this.violationCount += result.violations;
    if (d.liveness !== undefined) this.liveness[d.liveness]++;
    for (const x of d.callLatencies) this.pool.push(x);
    for (const f of d.failures) {
      if (this.violations.length >= MAX_REPORTED_VIOLATIONS) break;
      this.violations.push({
        replicate: r,
        replicate_seed: replicateSeed(this.scenario.seed, r),
        check: f.check,
        detail: f.detail,
      });
    }
  }

  /** The run's report once every replicate is in; `input` is the scenario as written, `only` the one replicate run. */
  report(input: unknown, only?: number): RunReport {
    if (this.count < this.size)
      throw new Error(`the report of ${this.size} replicates has only ${this.count}`);
    const { scenario } = this;
    const summary = {} as Record<MetricName, MetricSummary>;
    for (const m of METRICS)
      summary[m] = summarize(this.columns.get(m) as Float64Array, metricRange(m));
    // Call latency is pooled over every call of every replicate; its CI is that of
    // the per-replicate means, the independent units.
    const perReplicate = summary.call_latency_s;
    summary.call_latency_s = { ...summarize(this.pool.values(), metricRange("call_latency_s")) };
    if (perReplicate.ci95) summary.call_latency_s.ci95 = perReplicate.ci95;
    else delete summary.call_latency_s.ci95;
    return {
      scenario: scenario.name,
      seed: scenario.seed,
      replicates: this.count,
      ...(only === undefined ? {} : { replicate: only }),
      protocol: scenario.team.protocol,
      model: scenario.agents.model,
      agents: scenario.agents.count,
      summary: {
        ...summary,
        violations: this.violationCount,
        liveness_violations: this.liveness.failed,
        liveness: { ...this.liveness },
      },
      end_reasons: { ...this.endReasons },
      violations: [...this.violations],
      config: input,
    };
  }
}
