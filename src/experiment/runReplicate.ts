import { checkLiveness, decidedByAll } from "../checkers/checkLiveness.js";
import { runCheckers } from "../checkers/runCheckers.js";
import type { Verdict } from "../checkers/Verdict.js";
import type { Trace } from "../core/Trace.js";
import { measureRun } from "../metrics/measureRun.js";
import type { RunResult } from "../metrics/RunResult.js";
import { getProtocol } from "../protocols/registry.js";
import { type TeamProfiles, World } from "../runtime/World.js";
import type { Scenario } from "../scenario/ScenarioSchema.js";

export { buildTask, replicateSeed } from "../runtime/World.js";

/** Options of one replicate. */
export interface ReplicateOptions {
  trace?: Trace;
  /** Receives every successful call's latency. */
  onCallLatency?: (latencyS: number) => void;
  /** Skip the `single` baseline run (fault-free, same seed) that measures speedup (speedup is then NaN). */
  noBaseline?: boolean;
}

/** A replicate's measurements and the checkers' verdicts. */
export interface ReplicateOutcome {
  result: RunResult;
  verdicts: Verdict[];
}

/**
 * Runs replicate `r` of `scenario`: builds its world, runs it, measures it. For
 * a team, the same replicate is also run by `single` (same seed: same task, same
 * agent-0 draws) to measure speedup.
 */
export function runReplicate(
  scenario: Scenario,
  profiles: TeamProfiles,
  r: number,
  options: ReplicateOptions = {},
): ReplicateOutcome {
  const world = new World(scenario, profiles, r, getProtocol(scenario.team.protocol), options);
  const outcome = world.run();
  const liveness = checkLiveness(world.history, world.livenessContext(outcome));
  const verdicts = [...runCheckers(world.history), liveness];
  // The baseline is one healthy agent: the fault plan names team members, and a
  // crash of agent-0 would otherwise cripple the baseline instead of the team.
  const speedupOf = (makespan: number): number => {
    if (scenario.team.protocol === "single") return 1;
    if (options.noBaseline) return Number.NaN;
    const baseline = runReplicate(
      { ...scenario, team: { protocol: "single", failure_detector: "perfect" }, faults: [] },
      profiles,
      r,
      { noBaseline: true },
    ).result;
    return baseline.decided === 1 ? baseline.makespan_s / makespan : Number.NaN;
  };
  const result = measureRun(
    {
      replicate: r,
      outcome,
      task: world.task,
      history: world.history,
      verdicts,
      agents: world.agents,
      net: world.net.stats,
      counters: world.rt.counters,
      meanCallLatency: world.meanCallLatency,
      decidedAll: decidedByAll(world.history, world.deciders(), world.task.size),
      correctDecidersOnly: getProtocol(scenario.team.protocol).deciders === "all",
    },
    speedupOf,
  );
  if (world.trace.enabled) {
    world.trace.record({
      t: world.sim.now,
      type: "run_end",
      reason: result.end_reason,
      events: outcome.events,
      accuracy: result.accuracy,
      verdicts,
    });
  }
  return { result, verdicts };
}
