import { MockLLM } from "../agents/MockLLM.js";
import type { ModelProfile } from "../agents/ModelProfile.js";
import { type ProfileOverrides, profileWithOverrides } from "../agents/profileWithOverrides.js";
import type { LivenessContext } from "../checkers/checkLiveness.js";
import { History } from "../checkers/History.js";
import { Rng } from "../core/Rng.js";
import { type RunOutcome, Simulation } from "../core/Simulation.js";
import { NO_TRACE, type Trace } from "../core/Trace.js";
import { applyFaults } from "../faults/applyFaults.js";
import { byzantineAgents } from "../faults/byzantineAgents.js";
import type { Fault } from "../faults/FaultSchema.js";
import { healTime } from "../faults/healTime.js";
import { Network, type NetworkConfig } from "../net/Network.js";
import { modelErrors } from "../tasks/modelErrors.js";
import { QuestionSet, type QuestionTaskConfig } from "../tasks/QuestionSet.js";
import type { Task } from "../tasks/Task.js";
import { WorkGraph } from "../tasks/WorkGraph.js";
import type { WorkGraphTaskConfig } from "../tasks/workGraphSchema.js";
import type { FailureDetectorConfig } from "./FailureDetector.js";
import { memberName } from "./memberName.js";
import type { Node } from "./Node.js";
import { type Protocol, Runtime } from "./Runtime.js";

/** The parts of a scenario that make a replicate's world (what `scenario/` validated). */
export interface WorldSpec {
  name: string;
  seed: string | number;
  horizon_s: number;
  max_events: number;
  /**
   * The team: its size and its groups of copies of one model, each with
   * optional what-if overrides of its profile (none: every member runs `profile`).
   */
  agents: {
    count: number;
    groups?: readonly { model: string; count: number; overrides?: ProfileOverrides }[];
  };
  team: { protocol: string; failure_detector?: FailureDetectorConfig };
  task: (QuestionTaskConfig & { kind: "questions" }) | WorkGraphTaskConfig;
  network: NetworkConfig;
  faults: readonly Fault[];
}

/** How the world gets its protocol: the extra nodes it needs and a factory. */
export interface ProtocolFactory {
  /** Nodes besides the members (e.g. a coordinator), created before the protocol. */
  extraNodes?: readonly string[];
  create(rt: Runtime, options: WorldSpec["team"]): Protocol;
  /** Whether every member decides every item ("all") or some node does (see ProtocolModule). */
  deciders?: "all" | "some";
  /** What liveness it owes (see ProtocolModule.liveness). */
  liveness?: {
    quorum(options: never, n: number): number;
    stabilizeS(options: never, n: number): number;
  };
}

/** Mean call latency assumed by the liveness bound when the run made no successful call. */
const FALLBACK_CALL_S = 60;
/** Mean call latencies per item in the liveness bound (calls are lognormal-tailed and retried). */
const CALLS_PER_ITEM_BOUND = 10;

/** Options of one world. */
export interface WorldOptions {
  trace?: Trace;
  /** Receives every successful call's latency. */
  onCallLatency?: (latencyS: number) => void;
}

/**
 * The models a team runs: one profile for every member, or profiles by model
 * name for a team of groups.
 */
export type TeamProfiles = ModelProfile | ReadonlyMap<string, ModelProfile>;

/** The profile of each member, agent-0 first: groups in list order, each with its overrides applied. */
export function profilesOf(agents: WorldSpec["agents"], profiles: TeamProfiles): ModelProfile[] {
  const one = (model: string): ModelProfile => {
    if (!(profiles instanceof Map)) return profiles as ModelProfile;
    const p = profiles.get(model);
    if (p === undefined) throw new Error(`no profile for model ${model}`);
    return p;
  };
  const groups = agents.groups ?? [{ model: "", count: agents.count }];
  const out = groups.flatMap((g) => {
    const base = one(g.model);
    // Memoized: the same object for the group's every member and every replicate.
    const p = g.overrides === undefined ? base : profileWithOverrides(base, g.overrides);
    return Array.from({ length: g.count }, () => p);
  });
  if (out.length !== agents.count) throw new Error("agents.count differs from its groups");
  return out;
}

/** The seed of replicate `r`: the same for every sweep point (common random numbers). */
export function replicateSeed(seed: string | number, r: number): string {
  return `${seed}/${r}`;
}

/** The task of a scenario, drawn from the replicate's `task/...` streams. */
export function buildTask(task: WorldSpec["task"], rng: Rng): Task {
  return task.kind === "questions" ? new QuestionSet(task, rng) : new WorkGraph(task, rng);
}

/**
 * The whole world of one replicate, owned by the simulator and driven by one
 * seed (as in turmoil and FoundationDB's simulation): clock, network, models,
 * nodes, task, fault plan, history. `run` runs it to quiescence, the horizon or
 * the event limit.
 */
export class World {
  readonly sim = new Simulation();
  readonly rng: Rng;
  readonly net: Network;
  readonly trace: Trace;
  readonly agents: MockLLM[] = [];
  readonly task: Task;
  readonly history = new History();
  readonly rt: Runtime;
  private latencySum = 0;
  private latencyCount = 0;

  constructor(
    readonly spec: WorldSpec,
    profiles: TeamProfiles,
    readonly replicate: number,
    private readonly protocol: ProtocolFactory,
    options: WorldOptions = {},
  ) {
    const trace = options.trace ?? NO_TRACE;
    this.trace = trace;
    this.rng = new Rng(replicateSeed(spec.seed, replicate));
    this.net = new Network(this.sim, this.rng, spec.network, trace);
    const forward = options.onCallLatency;
    const onLatency = (x: number) => {
      this.latencySum += x;
      this.latencyCount++;
      if (forward !== undefined) forward(x);
    };
    this.task = buildTask(spec.task, this.rng);
    const byzantine = byzantineAgents(spec.faults);
    for (const [node, windows] of byzantine)
      for (const w of windows) this.history.markByzantine(node, w.from, w.until);
    this.rt = new Runtime({
      sim: this.sim,
      net: this.net,
      rng: this.rng,
      trace,
      task: this.task,
      history: this.history,
      byzantine,
      detector: spec.team.failure_detector ?? "perfect",
    });
    const memberProfiles = profilesOf(spec.agents, profiles);
    for (let i = 0; i < spec.agents.count; i++) {
      const profile = memberProfiles[i];
      const model = new MockLLM(memberName(i), i, profile, this.sim, this.rng, trace, onLatency);
      this.agents.push(model);
      this.rt.addMember(model);
    }
    for (const name of protocol.extraNodes ?? []) this.rt.addNode(name);
    // A question whose prompt exceeds every member's context window can never be
    // answered: every call on it fails at once, so no protocol can decide it.
    if (this.task.kind === "questions") {
      let widest = 0;
      for (const p of memberProfiles) widest = Math.max(widest, p.context_window.tokens);
      this.task.items.forEach((q, k) => {
        if (q.promptTokens > widest) this.history.unreadable.add(k);
      });
    }
    // Each model's item-level errors, shared by its copies (questions only).
    if (spec.task.kind === "questions" && spec.task.errors !== undefined) {
      const names = memberProfiles.map((p) => p.name);
      const errors = modelErrors(spec.task.errors, names, spec.task.items, this.rng);
      if (errors !== null)
        for (const a of this.agents) a.itemErrors = errors.get(a.profile.name) ?? null;
    }
  }

  /** Mean latency of the run's successful calls (0 if none). */
  get meanCallLatency(): number {
    return this.latencyCount > 0 ? this.latencySum / this.latencyCount : 0;
  }

  /** Every node by name: the team members and the extra nodes. */
  get nodes(): ReadonlyMap<string, Node> {
    const out = new Map<string, Node>();
    for (const m of this.rt.members) out.set(m.name, m);
    for (const name of this.protocol.extraNodes ?? []) out.set(name, this.rt.node(name));
    return out;
  }

  /**
   * The nodes whose decisions decided_all counts, at the end of the run: for
   * protocols where every member decides every item, the correct members that
   * are up; null for the others (an item then needs one correct decider).
   */
  deciders(): string[] | null {
    if (this.protocol.deciders !== "all") return null;
    const end = this.sim.now;
    return this.rt.members
      .filter((n) => n.isUp && !this.history.byzantineAt(n.name, end))
      .map((n) => n.name);
  }

  /** What the liveness checker needs to know about the finished run. */
  livenessContext(outcome: RunOutcome): LivenessContext {
    const spec = this.spec;
    const end = outcome.now;
    const items = this.task.size;
    const base = { healedAt: 0, boundS: 0, end, quiescent: outcome.reason === "quiescent", items };
    const na = (why: string): LivenessContext => ({ ...base, notApplicable: why, mustDecide: [] });
    const live = this.protocol.liveness;
    if (live === undefined) return na(`${spec.team.protocol} promises no eventual decision`);
    const unreadable = this.history.unreadable.size;
    if (unreadable > 0)
      return na(`${unreadable} of ${items} items exceed every member's context window`);
    const planHeal = healTime(spec.faults);
    if (planHeal === null) return na("a fault never heals");
    if (this.net.partitioned) return na("the network is partitioned at the end");
    const healedAt = Math.max(planHeal, this.rt.lastUpDown);
    const n = this.rt.members.length;
    const mustDecide = this.rt.members
      .filter((m) => m.isUp && !this.history.byzantineAt(m.name, end))
      .map((m) => m.name);
    const options = spec.team as never;
    const quorum = live.quorum(options, n);
    if (mustDecide.length < quorum)
      return na(`${mustDecide.length} correct members up at the end, fewer than ${quorum}`);
    const call = this.meanCallLatency > 0 ? this.meanCallLatency : FALLBACK_CALL_S;
    const boundS = live.stabilizeS(options, n) + items * CALLS_PER_ITEM_BOUND * call;
    return { ...base, healedAt, boundS, notApplicable: null, mustDecide };
  }

  /** Starts the protocol and the fault plan, and runs the clock. */
  run(): RunOutcome {
    const spec = this.spec;
    const protocol = this.protocol.create(this.rt, spec.team);
    if (this.trace.enabled) {
      this.trace.record({
        t: 0,
        type: "run_start",
        scenario: spec.name,
        seed: spec.seed,
        replicate: this.replicate,
        protocol: spec.team.protocol,
        agents: this.agents.length,
      });
    }
    for (const node of this.rt.members) node.llm.start(() => node.crash());
    applyFaults(spec.faults, this.sim, this.net, this.agents, this.nodes, this.rng, spec.horizon_s);
    this.rt.start(protocol);
    return this.sim.run({ until: spec.horizon_s, maxEvents: spec.max_events });
  }
}
