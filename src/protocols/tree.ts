import { z } from "zod";
import type { Message } from "../net/Network.js";
import type { WorkGraph } from "../tasks/WorkGraph.js";
import {
  CONTROL_TOKENS,
  insertByPosition,
  makePost,
  type Post,
  planInputTokens,
  positionsOf,
  type ResultPayload,
  SerialDesk,
  WorkerNode,
} from "./leaderWorker.js";
import type { Protocol, ProtocolContext, ProtocolModule } from "./Protocol.js";
import { workGraphOf } from "./taskOf.js";

const schema = z.strictObject({
  protocol: z.literal("tree"),
  /** Children of each leader (sub-leaders), up to the deepest leader level. */
  branching: z.number().int().min(1).default(2),
  /** Levels of leaders: 1 = the root alone (a flat leader-worker), 2 = root and sub-leaders, ... */
  depth: z.number().int().min(1).default(2),
  /** Every leader's planning call outputs this many tokens per subtask of its chunk (0: none). */
  plan_tokens_per_subtask: z.number().int().min(0).default(40),
  /** Output tokens of the root's final integration call (0: none). */
  integrate_tokens: z.number().int().min(0).default(300),
});

type Options = z.output<typeof schema>;

/** A leader of the hierarchy: its parent, its sub-leaders or its workers. */
export interface TreeLeader {
  index: number;
  /** -1 for the root. */
  parent: number;
  level: number;
  /** Sub-leaders below it (only above the deepest leader level). */
  children: number[];
  /** Workers it leads (only at the deepest leader level). */
  workers: number[];
  /** Agents that do subtask work in its subtree (a leader without children works itself). */
  capacity: number;
}

/**
 * The hierarchy over agent-0..n-1, breadth first: agent-0 is the root, each
 * leader gets up to `branching` sub-leaders until `depth` levels of leaders
 * exist, and the remaining agents are workers spread round-robin over the
 * deepest leaders. Returns the leaders by agent index (workers have none) and
 * each worker's leader.
 */
export function buildHierarchy(
  n: number,
  branching: number,
  depth: number,
): { leaders: (TreeLeader | undefined)[]; leaderOf: number[] } {
  const leaders: (TreeLeader | undefined)[] = new Array(n).fill(undefined);
  const leaderOf = new Array<number>(n).fill(-1);
  const make = (index: number, parent: number, level: number): TreeLeader => {
    const l: TreeLeader = { index, parent, level, children: [], workers: [], capacity: 0 };
    leaders[index] = l;
    return l;
  };
  let level = [make(0, -1, 0)];
  let next = 1;
  for (let d = 1; d < depth && next < n; d++) {
    const below: TreeLeader[] = [];
    for (const p of level) {
      for (let c = 0; c < branching && next < n; c++) {
        p.children.push(next);
        below.push(make(next, p.index, d));
        next++;
      }
    }
    level = below;
  }
  for (let k = 0; next < n; k++, next++) {
    const l = level[k % level.length];
    l.workers.push(next);
    leaderOf[next] = l.index;
  }
  const capacity = (l: TreeLeader): number => {
    let c = l.workers.length;
    for (const ch of l.children) c += capacity(leaders[ch] as TreeLeader);
    l.capacity = Math.max(1, c);
    return l.capacity;
  };
  capacity(leaders[0] as TreeLeader);
  return { leaders, leaderOf };
}

/**
 * Splits `chunk` (in topological order) into contiguous parts with sizes
 * proportional to `capacities`; a linear dependency chain (each link the only
 * dependent of the one before) is never cut.
 */
export function splitChunk(
  graph: WorkGraph,
  chunk: readonly number[],
  capacities: readonly number[],
): number[][] {
  const inChunk = new Set(chunk);
  const groups: number[][] = [];
  const groupOf = new Map<number, number[]>();
  for (const s of chunk) {
    const deps = graph.subtasks[s].deps;
    const d = deps[0];
    const link = deps.length === 1 && inChunk.has(d) && graph.dependents[d].length === 1;
    const g = link ? groupOf.get(d) : undefined;
    if (g !== undefined) g.push(s);
    else groups.push([s]);
    groupOf.set(s, g ?? (groups[groups.length - 1] as number[]));
  }
  const total = capacities.reduce((a, b) => a + b, 0);
  const parts: number[][] = capacities.map(() => []);
  let c = 0;
  let assigned = 0;
  let cum = capacities[0];
  for (const g of groups) {
    parts[c].push(...g);
    assigned += g.length;
    while (c < capacities.length - 1 && assigned >= Math.round((chunk.length * cum) / total)) {
      c++;
      cum += capacities[c];
    }
  }
  return parts;
}

const WAITING = 0;
const READY = 1;
const RUNNING = 2;
const ACCEPTED = 3;

interface ChunkPayload {
  subtasks: number[];
}

interface DonePayload {
  subtask: number;
  correct: boolean;
}

// A hierarchy of leaders. The root plans and splits the subtasks over its
// sub-leaders; each sub-leader plans its chunk and splits it further, and the
// deepest leaders run their chunk like a dynamic leader-worker over their own
// workers. A deepest leader accepts a result and sends a summary up; every
// ancestor forwards it, and the root decides. A finished subtask that another
// subtree waits on is relayed down from the lowest common ancestor.
//
// Choices worth knowing: each subtask is decided once, at the root, when its
// summary arrives (so the climb is part of the makespan); the integration call
// follows the last decision, as in leader-worker. Chunks are fixed at the start:
// a crashed sub-leader's remaining subtasks (and whatever waits on them through
// relays it would have passed on) stay undecided; nobody takes them over, and
// the run ends at quiescence. A crashed worker's subtask goes to another worker
// of the same leader, or to the leader itself when none is left. No reviews.
class Tree implements Protocol {
  private readonly graph: WorkGraph;
  private readonly position: number[];
  private readonly leaders: (TreeLeader | undefined)[];
  private readonly leaderOf: number[];
  private readonly post: Post;
  private readonly handlers = new Map<string, (msg: Message) => void>();
  private readonly desks: SerialDesk[] = [];
  private readonly workerNodes: WorkerNode[] = [];
  private readonly seen: Set<number>[] = [];
  /** The deepest leader that runs each subtask. */
  private readonly owner: number[];
  private readonly status: number[];
  /** Dependencies of each subtask its owner has not heard of as done. */
  private readonly remaining: number[];
  /** Per deepest leader: ready subtasks, by topological position. */
  private readonly readyQueue: number[][];
  /** Per deepest leader: its live workers (itself when none are left). */
  private readonly pool: number[][];
  /** Per agent: the subtask it runs for its leader (-1: idle). */
  private readonly running: number[];
  private readonly started: boolean[];
  private readonly decided: boolean[];
  private decidedCount = 0;
  private resultTokens = 0;

  constructor(
    private readonly ctx: ProtocolContext,
    private readonly options: Options,
  ) {
    this.graph = workGraphOf(ctx);
    this.position = positionsOf(this.graph);
    const n = ctx.agents.length;
    const h = buildHierarchy(n, options.branching, options.depth);
    this.leaders = h.leaders;
    this.leaderOf = h.leaderOf;
    this.post = makePost(ctx, this.handlers);
    const m = this.graph.size;
    this.owner = new Array(m).fill(-1);
    this.assignOwners(0, [...this.graph.order]);
    this.status = new Array(m).fill(WAITING);
    this.remaining = this.graph.subtasks.map((s) => s.deps.length);
    this.readyQueue = Array.from({ length: n }, () => []);
    this.pool = this.leaders.map((l) =>
      l === undefined ? [] : l.workers.length > 0 ? [...l.workers] : [l.index],
    );
    this.running = new Array(n).fill(-1);
    this.started = new Array(n).fill(false);
    this.decided = new Array(m).fill(false);
  }

  // The split every leader will make of its chunk, computed once: who runs what.
  private assignOwners(x: number, chunk: number[]): void {
    const l = this.leaders[x] as TreeLeader;
    if (l.children.length === 0) {
      for (const s of chunk) this.owner[s] = x;
      return;
    }
    const parts = this.split(l, chunk);
    l.children.forEach((c, k) => this.assignOwners(c, parts[k]));
  }

  private split(l: TreeLeader, chunk: readonly number[]): number[][] {
    const caps = l.children.map((c) => (this.leaders[c] as TreeLeader).capacity);
    return splitChunk(this.graph, chunk, caps);
  }

  start(): void {
    const { agents, net } = this.ctx;
    for (const agent of agents) {
      const i = agent.index;
      const desk = new SerialDesk(agent);
      this.desks.push(desk);
      this.seen.push(new Set());
      const isLeader = this.leaders[i] !== undefined;
      const boss = isLeader ? `agent-${i}` : `agent-${this.leaderOf[i]}`;
      const node = new WorkerNode(
        this.ctx,
        agent,
        boss,
        this.post,
        this.position,
        isLeader ? desk : null,
      );
      this.workerNodes.push(node);
      const handler = isLeader
        ? (msg: Message) => this.onLeaderMessage(i, msg)
        : (msg: Message) => node.receive(msg);
      this.handlers.set(agent.id, handler);
      net.register(agent.id, handler);
      if (!isLeader) agent.onCrash((a) => this.onWorkerCrash(a.index));
    }
    this.beginChunk(0, [...this.graph.order]);
  }

  private onLeaderMessage(x: number, msg: Message): void {
    const agent = this.ctx.agents[x];
    if (!agent.isAlive) return;
    if (msg.kind === "assign" || msg.kind === "go") {
      this.workerNodes[x].receive(msg);
      return;
    }
    if (msg.id >= 0) {
      if (this.seen[x].has(msg.id)) return;
      this.seen[x].add(msg.id);
    }
    if (msg.kind === "chunk") {
      this.beginChunk(x, (msg.payload as ChunkPayload).subtasks);
    } else if (msg.kind === "result") {
      const p = msg.payload as ResultPayload;
      this.onResult(x, Number(msg.from.slice("agent-".length)), p.subtask, p.correct, msg.tokens);
    } else if (msg.kind === "done") {
      const p = msg.payload as DonePayload;
      this.onDone(x, p.subtask, p.correct, Number(msg.from.slice("agent-".length)));
    } else if (msg.kind === "dep") {
      this.onDep(x, (msg.payload as DonePayload).subtask);
    }
  }

  // A leader plans its chunk, then hands parts to its sub-leaders or starts its workers.
  private beginChunk(x: number, chunk: number[]): void {
    const l = this.leaders[x] as TreeLeader;
    const go = () => {
      this.started[x] = true;
      if (l.children.length > 0) {
        const parts = this.split(l, chunk);
        l.children.forEach((c, k) => {
          const tokens = Math.max(
            CONTROL_TOKENS,
            this.options.plan_tokens_per_subtask * parts[k].length,
          );
          const payload: ChunkPayload = { subtasks: parts[k] };
          this.post(`agent-${x}`, `agent-${c}`, "chunk", payload, tokens);
        });
        return;
      }
      for (const s of chunk) {
        if (this.remaining[s] === 0) this.makeReady(x, s);
      }
      this.dispatch(x);
    };
    const planTokens = this.options.plan_tokens_per_subtask * chunk.length;
    if (planTokens === 0) {
      go();
      return;
    }
    this.desks[x].call(
      { inputTokens: planInputTokens(this.graph, chunk), outputTokens: planTokens, label: "plan" },
      go,
    );
  }

  private makeReady(x: number, s: number): void {
    this.status[s] = READY;
    insertByPosition(this.readyQueue[x], s, this.position);
  }

  // A deepest leader gives each idle worker the next ready subtask of its chunk.
  private dispatch(x: number): void {
    if (!this.started[x] || !this.ctx.agents[x].isAlive) return;
    const queue = this.readyQueue[x];
    for (const w of this.pool[x]) {
      if (queue.length === 0) return;
      if (this.running[w] >= 0) continue;
      const s = queue.shift() as number;
      this.running[w] = s;
      this.status[s] = RUNNING;
      this.post(
        `agent-${x}`,
        `agent-${w}`,
        "assign",
        { subtask: s, cleared: true },
        CONTROL_TOKENS,
      );
    }
  }

  private onResult(x: number, w: number, s: number, correct: boolean, tokens: number): void {
    if (this.running[w] === s) this.running[w] = -1;
    if (this.status[s] !== RUNNING && this.status[s] !== READY) {
      // Delivered twice (reassigned after a crash): the later copy is thrown away.
      this.ctx.counters.rework++;
    } else {
      if (this.status[s] === READY) this.readyQueue[x] = this.readyQueue[x].filter((k) => k !== s);
      this.status[s] = ACCEPTED;
      this.resultTokens += tokens;
      for (const d of this.graph.dependents[s]) {
        if (this.owner[d] === x && --this.remaining[d] === 0) this.makeReady(x, d);
      }
      this.onDone(x, s, correct, x);
    }
    this.dispatch(x);
  }

  // Leader x hears that s is done (from child `from`, or from its own workers):
  // the root decides it; the lowest common ancestor of s and a waiting subtask
  // relays it down; everyone else passes it up.
  private onDone(x: number, s: number, correct: boolean, from: number): void {
    const l = this.leaders[x] as TreeLeader;
    if (l.parent < 0) this.decide(s, correct);
    const targets: number[] = [];
    for (const d of this.graph.dependents[s]) {
      const c = this.childToward(x, this.owner[d]);
      if (c >= 0 && c !== from && !targets.includes(c)) targets.push(c);
    }
    for (const c of targets) {
      const payload: DonePayload = { subtask: s, correct };
      this.post(`agent-${x}`, `agent-${c}`, "dep", payload, CONTROL_TOKENS);
    }
    if (l.parent >= 0) {
      const payload: DonePayload = { subtask: s, correct };
      this.post(`agent-${x}`, `agent-${l.parent}`, "done", payload, CONTROL_TOKENS);
    }
  }

  // A relayed completion: pass it down toward the waiting subtasks' owners.
  private onDep(x: number, s: number): void {
    const l = this.leaders[x] as TreeLeader;
    if (l.children.length === 0) {
      for (const d of this.graph.dependents[s]) {
        if (this.owner[d] === x && --this.remaining[d] === 0) this.makeReady(x, d);
      }
      this.dispatch(x);
      return;
    }
    const targets: number[] = [];
    for (const d of this.graph.dependents[s]) {
      const c = this.childToward(x, this.owner[d]);
      if (c >= 0 && !targets.includes(c)) targets.push(c);
    }
    for (const c of targets) {
      this.post(`agent-${x}`, `agent-${c}`, "dep", { subtask: s, correct: true }, CONTROL_TOKENS);
    }
  }

  // The child of x whose subtree holds leader y (-1: y is x or not below it).
  private childToward(x: number, y: number): number {
    let c = y;
    while (c >= 0) {
      const p = (this.leaders[c] as TreeLeader).parent;
      if (p === x) return c;
      c = p;
    }
    return -1;
  }

  private decide(s: number, correct: boolean): void {
    if (this.decided[s]) return;
    this.decided[s] = true;
    this.decidedCount++;
    const answer = correct ? 0 : 1;
    this.ctx.history.propose(s, answer);
    this.ctx.history.decide(s, this.ctx.agents[0].id, answer, this.ctx.sim.now);
    // As in leader-worker, integration follows the last decision: cost and time, not makespan.
    if (this.decidedCount === this.graph.size && this.options.integrate_tokens > 0) {
      this.desks[0].call(
        {
          inputTokens: Math.max(1, this.resultTokens),
          outputTokens: this.options.integrate_tokens,
          label: "integrate",
        },
        () => {},
      );
    }
  }

  // A worker's leader hears of its crash and gives its subtask to another worker
  // (or does the work itself when none is left).
  private onWorkerCrash(w: number): void {
    const x = this.leaderOf[w];
    if (!this.pool[x].includes(w)) return;
    this.pool[x] = this.pool[x].filter((k) => k !== w);
    if (this.pool[x].length === 0) this.pool[x] = [x];
    const lost = this.running[w];
    this.running[w] = -1;
    if (lost >= 0 && this.status[lost] === RUNNING) this.makeReady(x, lost);
    this.dispatch(x);
  }
}

/** `tree`: a hierarchy of leaders splits the work graph; the deepest leaders run leader-worker teams. */
export const tree: ProtocolModule<typeof schema> = {
  name: "tree",
  summary:
    "hierarchical: the root splits the subtasks over sub-leaders, each runs its own workers; results climb the tree",
  schema,
  tasks: ["workgraph"],
  create: (ctx, options) => new Tree(ctx, options),
};
