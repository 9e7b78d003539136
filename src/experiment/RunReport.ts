import type { MetricName } from "../metrics/RunResult.js";
import type { MetricSummary } from "../metrics/summarize.js";

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
