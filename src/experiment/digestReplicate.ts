import type { Trace } from "../core/Trace.js";
import { LatencyPool } from "../metrics/LatencyPool.js";
import type { RunResult } from "../metrics/RunResult.js";
import type { TeamProfiles } from "../runtime/World.js";
import type { Scenario } from "../scenario/ScenarioSchema.js";
import type { LivenessTally } from "./RunReport.js";
import { runReplicate } from "./runReplicate.js";

/**
 * What a run's summary needs of one replicate: its measurements, how its
 * checks came out and its calls' latencies. Plain data, so that a worker
 * thread can send it back (its world and history stay in the worker).
 */
export interface ReplicateDigest {
  result: RunResult;
  /** The liveness verdict, if the checker gave one. */
  liveness: keyof LivenessTally | undefined;
  /** The failed safety and liveness checks, in the checkers' order. */
  failures: { check: string; detail: string }[];
  /** The latency of every successful call, in the order they ended. */
  callLatencies: Float64Array;
}

/** Runs replicate `r` of `scenario` (with `trace`, if given) and keeps what the run's summary needs. */
export function digestReplicate(
  scenario: Scenario,
  profiles: TeamProfiles,
  r: number,
  trace?: Trace,
): ReplicateDigest {
  const latencies = new LatencyPool();
  const { result, verdicts } = runReplicate(scenario, profiles, r, {
    trace,
    onCallLatency: (x) => latencies.push(x),
  });
  const live = verdicts.find((v) => v.check === "liveness");
  let liveness: keyof LivenessTally | undefined;
  if (live !== undefined) {
    if (!live.ok) liveness = "failed";
    else if (live.note === "n/a") liveness = "not_applicable";
    else if (live.note === "inconclusive") liveness = "inconclusive";
    else liveness = "ok";
  }
  return {
    result,
    liveness,
    failures: verdicts
      .filter((v) => !v.ok)
      .map((v) => ({ check: v.check, detail: v.detail ?? "" })),
    callLatencies: latencies.values().slice(),
  };
}
