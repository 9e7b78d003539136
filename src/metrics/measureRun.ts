import type { AgentCounters } from "../agents/MockLLM.js";
import type { History } from "../checkers/History.js";
import type { Verdict } from "../checkers/Verdict.js";
import type { RunOutcome } from "../core/Simulation.js";
import type { NetworkStats } from "../net/Network.js";
import type { Task } from "../tasks/Task.js";
import type { RunResult } from "./RunResult.js";

/** What a finished replicate offers to be measured. */
export interface RunObservation {
  replicate: number;
  outcome: RunOutcome;
  task: Task;
  history: History;
  verdicts: readonly Verdict[];
  agents: readonly { readonly counters: AgentCounters; readonly crashes: number }[];
  net: NetworkStats;
  counters: {
    conflicts: number;
    rework: number;
    rounds: number;
    suspicions: number;
    false_suspicions: number;
  };
  meanCallLatency: number;
  /** Items decided by every correct node up at the end (see RunResult.decided_all), over all items. */
  decidedAll: number;
  /**
   * Whether every member decides (raft, pbft, gossip): then the decisions of a
   * node inside a Byzantine window do not count as the team's (the correct
   * nodes' do); where one node decides for the team, its decision is the team's.
   */
  correctDecidersOnly?: boolean;
}

/**
 * The measurements of one replicate. An item counts once, at its first decision;
 * the makespan is the last first decision, or the end of the run if an item was
 * never decided. `speedupOf` turns the makespan into a speedup (it runs the
 * baseline, if any).
 */
export function measureRun(o: RunObservation, speedupOf: (makespan: number) => number): RunResult {
  const { task, history, outcome } = o;
  const items = task.size;
  const first = new Map<number, number>();
  let lastDecision = 0;
  let waitSum = 0;
  for (const d of history.decisions) {
    if (o.correctDecidersOnly && history.byzantineAt(d.node, d.t)) continue;
    if (!first.has(d.item)) {
      first.set(d.item, d.answer);
      waitSum += d.t - (history.opened[d.item] ?? 0);
    }
    if (d.t > lastDecision) lastDecision = d.t;
  }
  let correct = 0;
  for (const answer of first.values()) if (answer === 0) correct++;
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
  for (const a of o.agents) {
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
  const n = o.agents.length;
  const makespan = first.size === items ? lastDecision : outcome.now;
  const counters = o.counters;
  return {
    replicate: o.replicate,
    accuracy: correct / items,
    decided: first.size / items,
    decided_all: o.decidedAll,
    makespan_s: makespan,
    speedup: speedupOf(makespan),
    speedup_bound:
      task.kind === "workgraph" ? Math.min(n, task.totalWork / task.criticalPathWork) : n,
    work_tokens: task.kind === "workgraph" ? task.totalWork : 0,
    critical_path_tokens: task.kind === "workgraph" ? task.criticalPathWork : 0,
    cost_usd: cost,
    tokens: inTok + outTok,
    input_tokens: inTok,
    output_tokens: outTok,
    calls,
    call_latency_s: o.meanCallLatency,
    retries,
    failed_calls: failed,
    stragglers,
    crashes,
    messages: o.net.sent,
    messages_delivered: o.net.delivered,
    messages_dropped: o.net.dropped,
    message_tokens: o.net.tokens_sent,
    conflicts: counters.conflicts,
    rework: counters.rework,
    // Share of the team's agent-seconds not spent waiting on a model.
    idle_fraction: makespan > 0 ? Math.max(0, 1 - busy / (n * makespan)) : 0,
    rounds: counters.rounds > 0 ? counters.rounds : maxCalls,
    leader_changes: Math.max(0, history.elections.length - 1),
    time_to_decision_s: first.size > 0 ? waitSum / first.size : 0,
    suspicions: counters.suspicions,
    false_suspicions: counters.false_suspicions,
    violations: o.verdicts.filter((v) => !v.ok && v.check !== "liveness").length,
    liveness_violations: o.verdicts.filter((v) => !v.ok && v.check === "liveness").length,
    events: outcome.events,
    // Quiescent with an item some correct live node never decided: nothing will ever decide it.
    end_reason: outcome.reason === "quiescent" && o.decidedAll < 1 ? "stalled" : outcome.reason,
  };
}
