import { z } from "zod";
import { Desk } from "../runtime/Desk.js";
import type { Handler } from "../runtime/Node.js";
import { once } from "../runtime/once.js";
import type { Runtime } from "../runtime/Runtime.js";
import { CONTROL_TOKENS, WorkDispatcher, type WorkMessages } from "../runtime/WorkDispatcher.js";
import { Worker } from "../runtime/Worker.js";
import type { WorkGraph } from "../tasks/WorkGraph.js";
import type { Protocol, ProtocolModule } from "./Protocol.js";

const schema = z.strictObject({
  protocol: z.literal("tree"),
  branching: z.number().int().min(1).default(2).meta({
    description: "sub-leaders under each leader, down to the deepest leader level",
  }),
  depth: z.number().int().min(1).default(2).meta({
    description: "levels of leaders: 1 = the root alone (as leader-worker), 2 = root + sub-leaders",
  }),
  plan_tokens_per_subtask: z.number().int().min(0).default(40).meta({
    description: "output tokens of every leader's planning call per subtask of its chunk (0: none)",
  }),
  integrate_tokens: z.number().int().min(0).default(300).meta({
    description: "output tokens of the root's final integration call (0: none)",
  }),
});

/** A subtask is done (`done`: a summary climbing to the root; `dep`: relayed down to a subtree waiting on it). */
type Done = { subtask: number; correct: boolean };

type Msgs = WorkMessages & {
  /** A leader's part of its parent's chunk: to split further, or to run with its workers. */
  chunk: { subtasks: number[] };
  done: Done;
  dep: Done;
};

/** A leader of the hierarchy: its parent (-1 for the root), its sub-leaders or its workers. */
export interface TreeLeader {
  index: number;
  parent: number;
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
export function buildHierarchy(n: number, branching: number, depth: number) {
  const leaders: (TreeLeader | undefined)[] = new Array(n).fill(undefined);
  const leaderOf = new Array<number>(n).fill(-1);
  const make = (index: number, parent: number): TreeLeader =>
    (leaders[index] = { index, parent, children: [], workers: [], capacity: 0 });
  let level = [make(0, -1)];
  let next = 1;
  for (let d = 1; d < depth && next < n; d++) {
    const below: TreeLeader[] = [];
    for (const p of level) {
      for (let c = 0; c < branching && next < n; c++, next++) {
        p.children.push(next);
        below.push(make(next, p.index));
      }
    }
    level = below;
  }
  for (let k = 0; next < n; k++, next++) {
    const l = level[k % level.length];
    l.workers.push(next);
    leaderOf[next] = l.index;
  }
  // Sub-leaders come after their parent: capacities fill bottom-up.
  for (const l of [...leaders].reverse()) {
    if (l === undefined) continue;
    const below = l.children.reduce((c, ch) => c + (leaders[ch] as TreeLeader).capacity, 0);
    l.capacity = Math.max(1, l.workers.length + below);
  }
  return { leaders, leaderOf };
}

/**
 * Splits `chunk` (in topological order) into contiguous parts with sizes
 * proportional to the capacities `caps`; a linear dependency chain (each link
 * the only dependent of the one before) is never cut.
 */
export function splitChunk(graph: WorkGraph, chunk: readonly number[], caps: readonly number[]) {
  const groups: number[][] = [];
  const groupOf = new Map<number, number[]>();
  for (const s of chunk) {
    // s extends the chain of its only dependency (in the chunk) if it is that one's only dependent.
    const [d, ...more] = graph.subtasks[s].deps;
    let g = more.length === 0 && graph.dependents[d]?.length === 1 ? groupOf.get(d) : undefined;
    if (g === undefined) groups.push((g = []));
    g.push(s);
    groupOf.set(s, g);
  }
  const total = caps.reduce((a, b) => a + b, 0);
  const parts: number[][] = caps.map(() => []);
  let c = 0;
  let assigned = 0;
  let cum = caps[0];
  for (const g of groups) {
    parts[c].push(...g);
    assigned += g.length;
    while (c < caps.length - 1 && assigned >= Math.round((chunk.length * cum) / total)) {
      c++;
      cum += caps[c];
    }
  }
  return parts;
}

// A hierarchy of leaders. The root plans and splits the subtasks over its
// sub-leaders; each plans its chunk and splits it further, and the deepest
// leaders run their chunk like a dynamic leader-worker (the shared dispatcher).
// A deepest leader accepts a result and sends a summary up; every ancestor
// forwards it, and the root decides. A finished subtask that another subtree
// waits on is relayed down from the lowest common ancestor.
//
// Choices worth knowing: each subtask is decided once, at the root, when its
// summary arrives (so the climb is part of the makespan); integration follows
// the last decision, as in leader-worker. No reviews. Chunks are fixed: nobody
// takes over a crashed sub-leader's subtasks. A suspected worker's subtask goes
// to another worker of its leader (or to the leader itself). A leader's chunk,
// whether its plan is out and what it knows is done are durable; messages sent
// to a leader while it is down are lost, like any lost message here.
function create(rt: Runtime, options: z.output<typeof schema>): Protocol {
  const graph = rt.workGraph;
  const nodes = rt.nodes<Msgs>();
  const { leaders, leaderOf } = buildHierarchy(nodes.length, options.branching, options.depth);
  const leader = (x: number) => leaders[x] as TreeLeader;
  const split = (l: TreeLeader, chunk: readonly number[]) => {
    const capacities = l.children.map((c) => leader(c).capacity);
    return splitChunk(graph, chunk, capacities);
  };
  // The split every leader will make of its chunk, computed once: who runs what.
  const owner: number[] = [];
  const assignOwners = (l: TreeLeader, chunk: number[]): void => {
    if (l.children.length === 0) for (const s of chunk) owner[s] = l.index;
    else split(l, chunk).forEach((part, k) => assignOwners(leader(l.children[k]), part));
  };
  assignOwners(leader(0), [...graph.order]);
  const desks = nodes.map((node) => new Desk(node));
  // A leader is its own worker, behind its desk's calls, when nobody else is left to work.
  const crew = nodes.map(
    (node, i) => new Worker(rt, node, nodes[leaders[i] ? i : leaderOf[i]], leaders[i] && desks[i]),
  );
  /** Per deepest leader: its dispatcher over its chunk. */
  const work: WorkDispatcher[] = [];
  // Durable: each leader's chunk (once it came) and whether its plan is out; the root's decisions.
  const chunks: number[][] = [];
  const planned: boolean[] = [];
  const decided = new Set<number>();
  let resultTokens = 0;

  const send = (x: number, to: number, kind: "done" | "dep", payload: Done) =>
    nodes[x].sendReliably(nodes[to], kind, payload, CONTROL_TOKENS);
  const on = <K extends keyof Msgs & string>(x: number, kind: K, h: Handler<Msgs[K], Msgs>) =>
    nodes[x].on(kind, once(h));

  // A leader plans its chunk, then hands parts to its sub-leaders or starts its workers.
  function beginChunk(x: number, chunk: number[]): void {
    chunks[x] = chunk;
    desks[x].plan(graph, chunk, options.plan_tokens_per_subtask, () => {
      planned[x] = true;
      go(x);
    });
  }

  function go(x: number): void {
    if (work[x] !== undefined) return work[x].open();
    const l = leader(x);
    split(l, chunks[x]).forEach((part, k) => {
      const tokens = Math.max(CONTROL_TOKENS, options.plan_tokens_per_subtask * part.length);
      nodes[x].sendReliably(nodes[l.children[k]], "chunk", { subtasks: part }, tokens);
    });
  }

  // Leader x hears that a subtask is done (from child `from`, or from its own
  // workers): the root decides it; the lowest common ancestor of it and a
  // waiting subtask relays it down; everyone else passes it up.
  function onDone(x: number, { subtask: s, correct }: Done, from: number): void {
    const { parent } = leader(x);
    if (parent < 0) decide(s, correct);
    for (const c of toward(x, s, from)) send(x, c, "dep", { subtask: s, correct });
    if (parent >= 0) send(x, parent, "done", { subtask: s, correct });
  }

  // A relayed completion: a deepest leader's waiting subtasks may become ready;
  // anyone else passes it down toward them.
  function onDep(x: number, s: number): void {
    if (work[x] !== undefined) work[x].done(s);
    else for (const c of toward(x, s, -1)) send(x, c, "dep", { subtask: s, correct: true });
    work[x]?.dispatch();
  }

  // The children of x (but `from`) whose subtrees own subtasks waiting on s.
  function toward(x: number, s: number, from: number): number[] {
    const out: number[] = [];
    for (const d of graph.dependents[s]) {
      let c = owner[d];
      while (c >= 0 && leader(c).parent !== x) c = leader(c).parent;
      if (c >= 0 && c !== from && !out.includes(c)) out.push(c);
    }
    return out;
  }

  function decide(s: number, correct: boolean): void {
    if (decided.has(s)) return;
    decided.add(s);
    const answer = correct ? 0 : 1;
    rt.history.propose(s, answer);
    rt.history.decide(s, nodes[0].name, answer, rt.now);
    if (decided.size === graph.size) desks[0].integrate(resultTokens, options.integrate_tokens);
  }

  for (const l of leaders) {
    if (l === undefined) continue;
    const x = l.index;
    on(x, "chunk", (p) => beginChunk(x, p.subtasks));
    on(x, "done", (p, from) => onDone(x, p, from.index));
    on(x, "dep", (p) => onDep(x, p.subtask));
    if (l.children.length > 0) continue;
    const workers = l.workers.map((k) => nodes[k]);
    const chunk = graph.order.filter((s) => owner[s] === x);
    work[x] = new WorkDispatcher(rt, nodes[x], workers, chunk);
    // A deepest leader accepts a result (a later copy is rework) and reports it.
    work[x].acceptAll((r) => {
      resultTokens += r.tokens;
      onDone(x, r, x);
    });
  }

  return {
    start: () => beginChunk(0, [...graph.order]),
    // A worker rejoins when its leader's detector trusts it again. A leader re-plans
    // if its plan was not out; then a deepest one hands out again (sub-leaders have their chunks).
    recover: ({ index: x }) => {
      crew[x].reset();
      desks[x].reset();
      work[x]?.restart();
      if (chunks[x] !== undefined && !planned[x]) beginChunk(x, chunks[x]);
      else if (planned[x] && work[x] !== undefined) go(x);
    },
  };
}

/** `tree`: a hierarchy of leaders splits the work graph; the deepest leaders run leader-worker teams. */
export const tree: ProtocolModule<typeof schema> = {
  name: "tree",
  summary:
    "hierarchical: the root splits the subtasks over sub-leaders, each runs its own workers; results climb the tree",
  schema,
  tasks: ["workgraph"],
  example: "scenarios/tree.yaml",
  law: { none: "its speedup hangs on how sub-leaders split the graph and on nested reviews" },
  roles: (o, n) => {
    const { leaders } = buildHierarchy(n, o.branching, o.depth);
    return leaders.map((l) => (l === undefined ? "worker" : "leader"));
  },
  // A call per subtask and a planning call at each leader level above it; a
  // hand-down and a report at each level.
  workPerItem: (o) => ({ calls: o.depth + 2, messages: 2 * o.depth + 4 }),
  create,
};
