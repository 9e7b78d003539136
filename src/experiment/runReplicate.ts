import { MockLLM } from "../agents/MockLLM.js";
import type { ModelProfile } from "../agents/ModelProfile.js";
import { History } from "../checkers/History.js";
import { runCheckers } from "../checkers/runCheckers.js";
import type { Verdict } from "../checkers/Verdict.js";
import { Rng } from "../core/Rng.js";
import { Simulation } from "../core/Simulation.js";
import { NO_TRACE, type Trace } from "../core/Trace.js";
import { applyFaults } from "../faults/applyFaults.js";
import { byzantineAgents } from "../faults/byzantineAgents.js";
import type { RunResult } from "../metrics/RunResult.js";
import { Network } from "../net/Network.js";
import type { ProtocolCounters } from "../protocols/Protocol.js";
import { getProtocol } from "../protocols/registry.js";
import type { Scenario } from "../scenario/ScenarioSchema.js";
import { QuestionSet } from "../tasks/QuestionSet.js";
import type { Task } from "../tasks/Task.js";
import { WorkGraph } from "../tasks/WorkGraph.js";

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

/** The seed of replicate `r`: the same for every sweep point (common random numbers). */
export function replicateSeed(seed: string | number, r: number): string {
  return `${seed}/${r}`;
}

/** The task of a scenario, drawn from the replicate's `task/...` streams. */
export function buildTask(scenario: Scenario, rng: Rng): Task {
  return scenario.task.kind === "questions"
    ? new QuestionSet(scenario.task, rng)
    : new WorkGraph(scenario.task, rng);
}

/**
 * Builds the world of replicate `r` of `scenario` (sim, network, agents, task,
 * protocol, faults), runs it and measures it. For a team, the same replicate is
 * also run by `single` (same seed: same task, same agent-0 draws) to measure speedup.
 */
export function runReplicate(
  scenario: Scenario,
  profile: ModelProfile,
  r: number,
  options: ReplicateOptions = {},
): ReplicateOutcome {
  const trace = options.trace ?? NO_TRACE;
  const rng = new Rng(replicateSeed(scenario.seed, r));
  const sim = new Simulation();
  const net = new Network(sim, rng, scenario.network, trace);
  let latencySum = 0;
  let latencyCount = 0;
  const forward = options.onCallLatency;
  const onLatency = (x: number) => {
    latencySum += x;
    latencyCount++;
    if (forward !== undefined) forward(x);
  };
  const agents: MockLLM[] = [];
  for (let i = 0; i < scenario.agents.count; i++) {
    agents.push(new MockLLM(`agent-${i}`, i, profile, sim, rng, trace, onLatency));
  }
  const task = buildTask(scenario, rng);
  const history = new History();
  const counters: ProtocolCounters = { conflicts: 0, rework: 0, rounds: 0 };
  const byzantine = byzantineAgents(scenario.faults);
  for (const node of byzantine.keys()) history.byzantine.add(node);
  const protocol = getProtocol(scenario.team.protocol).create(
    { sim, net, rng, trace, agents, task, history, counters, byzantine },
    scenario.team,
  );
  if (trace.enabled) {
    trace.record({
      t: 0,
      type: "run_start",
      scenario: scenario.name,
      seed: scenario.seed,
      replicate: r,
      protocol: scenario.team.protocol,
      agents: agents.length,
    });
  }
  for (const agent of agents) agent.start();
  applyFaults(scenario.faults, sim, net, agents, rng, scenario.horizon_s);
  protocol.start();
  const outcome = sim.run({ until: scenario.horizon_s, maxEvents: scenario.max_events });

  const items = task.size;
  const first = new Map<number, number>();
  let lastDecision = 0;
  let waitSum = 0;
  for (const d of history.decisions) {
    if (!first.has(d.item)) {
      first.set(d.item, d.answer);
      waitSum += d.t - (history.opened[d.item] ?? 0);
    }
    if (d.t > lastDecision) lastDecision = d.t;
  }
  let correct = 0;
  for (const answer of first.values()) if (answer === 0) correct++;
  const verdicts = runCheckers(history);
  let calls = 0;
  let retries = 0;
  let failed = 0;
  let stragglers = 0;
  let crashes = 0;
  let inTok = 0;
  let outTok = 0;
  let cost = 0;
  let busy = 0;
  let maxCalls = 0;
  for (const a of agents) {
    const c = a.counters;
    calls += c.calls;
    retries += c.retries;
    failed += c.failedCalls;
    stragglers += c.stragglers;
    inTok += c.inputTokens;
    outTok += c.outputTokens;
    cost += c.costUsd;
    busy += c.busyS;
    crashes += a.crashes;
    maxCalls = Math.max(maxCalls, c.calls);
  }
  const makespan = first.size === items ? lastDecision : outcome.now;
  let speedup = 1;
  if (scenario.team.protocol !== "single") {
    speedup = Number.NaN;
    if (!options.noBaseline) {
      // The baseline is one healthy agent: the fault plan names team members, and a
      // crash of agent-0 would otherwise cripple the baseline instead of the team.
      const baseline = runReplicate(
        { ...scenario, team: { protocol: "single" }, faults: [] },
        profile,
        r,
        {
          noBaseline: true,
        },
      ).result;
      if (baseline.decided === 1) speedup = baseline.makespan_s / makespan;
    }
  }
  const result: RunResult = {
    replicate: r,
    accuracy: correct / items,
    decided: first.size / items,
    makespan_s: makespan,
    speedup,
    speedup_bound:
      task.kind === "workgraph"
        ? Math.min(agents.length, task.totalWork / task.criticalPathWork)
        : agents.length,
    work_tokens: task.kind === "workgraph" ? task.totalWork : 0,
    critical_path_tokens: task.kind === "workgraph" ? task.criticalPathWork : 0,
    cost_usd: cost,
    tokens: inTok + outTok,
    input_tokens: inTok,
    output_tokens: outTok,
    calls,
    call_latency_s: latencyCount > 0 ? latencySum / latencyCount : 0,
    retries,
    failed_calls: failed,
    stragglers,
    crashes,
    messages: net.stats.sent,
    messages_delivered: net.stats.delivered,
    messages_dropped: net.stats.dropped,
    message_tokens: net.stats.tokens_sent,
    conflicts: counters.conflicts,
    rework: counters.rework,
    // Share of the team's agent-seconds not spent waiting on a model.
    idle_fraction: makespan > 0 ? Math.max(0, 1 - busy / (agents.length * makespan)) : 0,
    rounds: counters.rounds > 0 ? counters.rounds : maxCalls,
    leader_changes: Math.max(0, history.elections.length - 1),
    time_to_decision_s: first.size > 0 ? waitSum / first.size : 0,
    violations: verdicts.filter((v) => !v.ok).length,
    events: outcome.events,
    end_reason: outcome.reason,
  };
  if (trace.enabled) {
    trace.record({
      t: sim.now,
      type: "run_end",
      reason: outcome.reason,
      events: outcome.events,
      accuracy: result.accuracy,
      verdicts,
    });
  }
  return { result, verdicts };
}
