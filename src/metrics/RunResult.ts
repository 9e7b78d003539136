import type { EndReason } from "../core/Simulation.js";
import type { MetricRange } from "./summarize.js";

/** The measurements of one replicate. Every field is a plain number except `end_reason`. */
export interface RunResult {
  replicate: number;
  /** Fraction of items whose decided answer is right (undecided items count as wrong). */
  accuracy: number;
  /** Fraction of items with a decision (by any node); an item no member can read has none (History.unreadable). */
  decided: number;
  /**
   * Fraction of items decided by every correct node up at the end, for protocols
   * where every member decides (raft, pbft, gossip); for the
   * others (a coordinator or one agent decides each item), by a correct node.
   */
  decided_all: number;
  /** Time of the last decision, or the end of the run if some item was never decided. */
  makespan_s: number;
  /** Makespan of `single` on the same task and seed divided by this makespan (1 for single itself). */
  speedup: number;
  /** Work-span bound on speedup, min(n, work / critical path) in tokens (n for questions). */
  speedup_bound: number;
  /** Total work of a work graph in output tokens (0 for questions). */
  work_tokens: number;
  /** Critical path of a work graph in output tokens (0 for questions). */
  critical_path_tokens: number;
  cost_usd: number;
  tokens: number;
  input_tokens: number;
  output_tokens: number;
  calls: number;
  /** Mean latency of the run's successful calls. */
  call_latency_s: number;
  retries: number;
  failed_calls: number;
  stragglers: number;
  crashes: number;
  messages: number;
  messages_delivered: number;
  messages_dropped: number;
  message_tokens: number;
  /** Two agents claimed the same subtask or wrote the same file. */
  conflicts: number;
  /** Subtask attempts redone (caught errors, lost conflicts, failed API calls). */
  rework: number;
  /** Share of the team's agent-seconds spent not waiting on a model call. */
  idle_fraction: number;
  /** Synchronous rounds, or the most calls any one agent made. */
  rounds: number;
  /** Leader elections after the first (Raft terms, PBFT view changes). */
  leader_changes: number;
  /** Mean over decided items of the time from the item's start to its first decision. */
  time_to_decision_s: number;
  /** Times a timeout failure detector began to suspect a node (0 with the perfect detector). */
  suspicions: number;
  /** Suspicions of a node that was up at the time (delay, loss or a partition, not a crash). */
  false_suspicions: number;
  /** Failed safety checks in this replicate. */
  violations: number;
  /** 1 if the liveness checker failed (an owed decision never came, or came too late). */
  liveness_violations: number;
  events: number;
  end_reason: RunEndReason;
}

/** How a replicate ended: the simulator's reason, or `stalled` (quiescent with undecided items). */
export type RunEndReason = EndReason | "stalled";

/** The numeric metric names of a RunResult, in report order. */
export const METRICS = [
  "accuracy",
  "decided",
  "decided_all",
  "makespan_s",
  "speedup",
  "speedup_bound",
  "work_tokens",
  "critical_path_tokens",
  "call_latency_s",
  "cost_usd",
  "tokens",
  "input_tokens",
  "output_tokens",
  "calls",
  "retries",
  "failed_calls",
  "stragglers",
  "crashes",
  "messages",
  "messages_delivered",
  "messages_dropped",
  "message_tokens",
  "conflicts",
  "rework",
  "idle_fraction",
  "rounds",
  "leader_changes",
  "time_to_decision_s",
  "suspicions",
  "false_suspicions",
  "events",
] as const satisfies readonly (keyof RunResult)[];

/** One of the numeric metrics. */
export type MetricName = (typeof METRICS)[number];

// Shares of items or of time: between 0 and 1.
const FRACTIONS: ReadonlySet<MetricName> = new Set([
  "accuracy",
  "decided",
  "decided_all",
  "idle_fraction",
]);

/** The values `metric` can take: [0, 1] for a fraction, [0, Infinity) for every other (counts, times, money, speedups). */
export function metricRange(metric: MetricName): MetricRange {
  return FRACTIONS.has(metric) ? [0, 1] : [0, Number.POSITIVE_INFINITY];
}
