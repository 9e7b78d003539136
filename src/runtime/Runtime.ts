import type { MockLLM } from "../agents/MockLLM.js";
import { History } from "../checkers/History.js";
import type { RandomStream, Rng } from "../core/Rng.js";
import type { Simulation } from "../core/Simulation.js";
import type { Trace } from "../core/Trace.js";
import type { ByzantineBehaviour } from "../faults/ByzantineBehaviour.js";
import { type ByzantineWindow, behaviourAt } from "../faults/byzantineAgents.js";
import type { Network } from "../net/Network.js";
import { QuestionSet } from "../tasks/QuestionSet.js";
import type { Task } from "../tasks/Task.js";
import type { WorkGraph } from "../tasks/WorkGraph.js";
import type { FailureDetector, FailureDetectorConfig } from "./FailureDetector.js";
import { memberName } from "./memberName.js";
import { type Messages, Node, type NodeHost } from "./Node.js";
import { PerfectDetector } from "./PerfectDetector.js";
import { type Signature, Signatures } from "./Signatures.js";
import { TimeoutDetector } from "./TimeoutDetector.js";

/** Coordination measurements that only the protocol and its runtime can count. */
export interface RuntimeCounters {
  /** Two agents claimed the same subtask or wrote the same file. */
  conflicts: number;
  /** Subtask attempts thrown away (caught errors, lost conflicts) and done again. */
  rework: number;
  /** Synchronous rounds (or, for asynchronous protocols, the most calls any agent made in sequence). */
  rounds: number;
  /** Times a failure detector began to suspect a node. */
  suspicions: number;
  /** Suspicions of a node that was up at the time. */
  false_suspicions: number;
}

/** One run of a protocol, written against the runtime. */
export interface Protocol {
  /** Starts the team: handlers, processes, first calls. */
  start(): void;
  /** Restarts `node` after a recovery, from its durable state (its volatile state was lost). */
  recover?(node: Node): void;
}

/** The parts of a replicate's world a runtime is built from. */
export interface RuntimeParts {
  sim: Simulation;
  net: Network;
  rng: Rng;
  trace: Trace;
  task: Task;
  history: History;
  /** Byzantine windows by node name (the fault plan's `byzantine` entries). */
  byzantine: ReadonlyMap<string, readonly ByzantineWindow[]>;
  detector: FailureDetectorConfig;
}

/**
 * A runtime for nodes alone (benchmarks, tests of the fault plan): no task (an
 * empty question set), an empty history, no Byzantine agents, the perfect detector.
 */
export function bareRuntime(sim: Simulation, net: Network, rng: Rng, trace: Trace): Runtime {
  const none = { kind: "fixed", p: 1 } as const;
  const task = new QuestionSet(
    { items: 0, choices: 2, difficulty: none, prompt_tokens: { dist: "fixed", value: 0 } },
    rng,
  );
  const history = new History();
  return new Runtime({
    sim,
    net,
    rng,
    trace,
    task,
    history,
    byzantine: new Map(),
    detector: "perfect",
  });
}

/**
 * What a protocol sees of the world: its nodes (the team members, agent-0 ..
 * agent-(n-1), and the extra nodes it declared), the task, the history the
 * checkers read, its random streams and counters, and failure detectors. It owns
 * crash semantics: a crash stops the node's code and a recovery hands the node to
 * the protocol's `recover`.
 */
export class Runtime implements NodeHost {
  readonly members: Node[] = [];
  readonly counters: RuntimeCounters = {
    conflicts: 0,
    rework: 0,
    rounds: 0,
    suspicions: 0,
    false_suspicions: 0,
  };
  readonly sim: Simulation;
  readonly net: Network;
  readonly trace: Trace;
  readonly task: Task;
  readonly history: History;
  private readonly byzantine: ReadonlyMap<string, readonly ByzantineWindow[]>;
  /** Message authentication: what nodes signed (see Signatures). */
  readonly signatures = new Signatures();
  private readonly rng: Rng;
  /** The scenario's `team.failure_detector`. */
  readonly failureDetector: FailureDetectorConfig;
  private readonly byName = new Map<string, Node>();
  private readonly byNetId: (Node | undefined)[] = [];
  private readonly perfect: PerfectDetector[] = [];
  private readonly timeouts: TimeoutDetector[] = [];
  private protocol: Protocol | null = null;
  /** When a node last crashed or recovered (0: never): liveness is owed only after it. */
  lastUpDown = 0;

  constructor(parts: RuntimeParts) {
    this.sim = parts.sim;
    this.net = parts.net;
    this.rng = parts.rng;
    this.trace = parts.trace;
    this.task = parts.task;
    this.history = parts.history;
    this.byzantine = parts.byzantine;
    this.failureDetector = parts.detector;
  }

  /** Adds team member number `members.length`, run by `model`. */
  addMember(model: MockLLM): Node {
    const node = new Node(this.members.length, memberName(this.members.length), model, this);
    this.members.push(node);
    this.byName.set(node.name, node);
    this.byNetId[node.netId] = node;
    return node;
  }

  /** Adds an extra node without a model (a coordinator that only counts and forwards). */
  addNode(name: string): Node {
    const node = new Node(-1, name, null, this);
    this.byName.set(name, node);
    this.byNetId[node.netId] = node;
    return node;
  }

  /** The team members, typed with the protocol's messages. */
  nodes<M extends Messages>(): readonly Node<M>[] {
    return this.members as readonly Node[] as readonly Node<M>[];
  }

  /** The extra node called `name`, typed with the protocol's messages. */
  node<M extends Messages>(name: string): Node<M> {
    const n = this.byName.get(name);
    if (n === undefined) throw new Error(`no node ${name}`);
    return n as Node as Node<M>;
  }

  /** @internal */
  nodeNamed(name: string): Node | undefined {
    return this.byName.get(name);
  }

  /** The node with network number `netId`, if it is one of this system's. */
  nodeAt(netId: number): Node | undefined {
    return this.byNetId[netId];
  }

  /** @internal */
  get retransmitS(): number | null {
    return this.failureDetector === "perfect" ? null : this.failureDetector.timeout_s;
  }

  /** Current simulated time. */
  get now(): number {
    return this.sim.now;
  }

  /** The named random stream `name` of this replicate. */
  stream(name: string): RandomStream {
    return this.rng.stream(name);
  }

  /** The task as questions (scenario validation guarantees the family). */
  get questions(): QuestionSet {
    if (this.task.kind !== "questions") throw new Error("this protocol needs a questions task");
    return this.task;
  }

  /** The task as a work graph. */
  get workGraph(): WorkGraph {
    if (this.task.kind !== "workgraph") throw new Error("this protocol needs a work-graph task");
    return this.task;
  }

  /** How `node` misbehaves now (null: it is correct now); windows come from the fault plan. */
  behaviourOf(node: Node): ByzantineBehaviour | null {
    return behaviourAt(this.byzantine.get(node.name), this.sim.now);
  }

  /** Whether `node` is Byzantine at some time of the run (for `done` checks that never wait on it). */
  everByzantine(node: Node): boolean {
    return this.byzantine.has(node.name);
  }

  /** Signs `content` as `node` (a node can sign only as itself: there is no other way to sign). */
  sign(node: Node, content: string): Signature {
    return this.signatures.sign(node.index, content);
  }

  /** Whether `sig` is member `signer`'s signature over `content` (a forgery fails). */
  verify(sig: Signature, signer: number, content: string): boolean {
    return this.signatures.verify(sig, signer, content);
  }

  /** Signs, as `node`, the vote `kind` for (`view`, `seq`, `digest`) without building a string. */
  signVote(node: Node, kind: string, view: number, seq: number, digest: string): Signature {
    return this.signatures.signVote(node.index, kind, view, seq, digest);
  }

  /** Records the decision of `item` by `node` in the history (and the trace). */
  decide(node: Node, item: number, answer: number, extra?: Record<string, unknown>): void {
    const counted = this.history.decide(item, node.name, answer, this.sim.now);
    if (this.trace.enabled)
      this.trace.record({
        t: this.sim.now,
        type: "decide",
        node: node.name,
        item,
        answer,
        ...extra,
        // An item no member can read is given up on, not decided (History.unreadable).
        ...(counted ? {} : { unreadable: true }),
      });
  }

  /**
   * A failure detector run by `watcher` over `watched` (default: every member),
   * of the kind the scenario's `team.failure_detector` chooses.
   */
  detector(watcher: Node, watched: readonly Node[] = this.members): FailureDetector {
    const c = this.failureDetector;
    if (c === "perfect") {
      // Watching the whole team (the usual case) needs no set of it: one per
      // watcher made a detector per agent O(n²) in a team of 100,000.
      const members = this.members;
      const set = watched === members ? null : new Set(watched);
      const watches =
        set === null
          ? (n: Node) => n.index >= 0 && members[n.index] === n
          : (n: Node) => set.has(n);
      const d = new PerfectDetector(watcher, watches);
      this.perfect.push(d);
      return d;
    }
    const d = new TimeoutDetector(watcher, watched, c.heartbeat_s, c.timeout_s, this.counters);
    // For the report's diagram; a listener that only records changes nothing simulated.
    if (this.trace.enabled)
      d.onChange((n, s) =>
        this.trace.record({
          t: this.sim.now,
          type: s ? "suspect" : "trust",
          watcher: watcher.name,
          node: n.name,
        }),
      );
    this.timeouts.push(d);
    return d;
  }

  /** Starts `protocol`; its `recover` restarts nodes after a recovery. */
  start(protocol: Protocol): void {
    this.protocol = protocol;
    protocol.start();
  }

  /** @internal */
  crashed(node: Node): void {
    this.lastUpDown = this.sim.now;
    for (const d of this.perfect) d.notify(node, false);
    for (const d of this.timeouts) d.notify(node, false);
  }

  /** @internal */
  recovered(node: Node): void {
    this.lastUpDown = this.sim.now;
    for (const d of this.timeouts) d.notify(node, true);
    this.protocol?.recover?.(node);
    for (const d of this.perfect) d.notify(node, true);
  }
}
