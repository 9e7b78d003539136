import { z } from "zod";
import type { CallRequest, CallResult, MockLLM } from "../agents/MockLLM.js";
import type { RandomStream } from "../core/Rng.js";
import type { Message } from "../net/Network.js";
import type { WorkGraph } from "../tasks/WorkGraph.js";
import { executeSubtask } from "./executeSubtask.js";
import type { Protocol, ProtocolContext, ProtocolModule } from "./Protocol.js";
import { workGraphOf } from "./taskOf.js";

const schema = z.strictObject({
  protocol: z.literal("leader-worker"),
  /**
   * preassigned: before the run the leader hands out every subtask (topological
   * order, round-robin over the workers, a dependency chain kept on one worker);
   * dynamic: the leader gives the next ready subtask to whichever worker is idle.
   */
  assignment: z.enum(["preassigned", "dynamic"]).default("dynamic"),
  /**
   * synchronous: rounds with a barrier (every worker with a ready subtask calls in
   * parallel, the leader waits for the slowest, reviews, then assigns the next
   * round); asynchronous: workers proceed independently.
   */
  rounds: z.enum(["synchronous", "asynchronous"]).default("asynchronous"),
  /** The leader's planning call outputs this many tokens per subtask (0: no planning call). */
  plan_tokens_per_subtask: z.number().int().min(0).default(40),
  /** When given, the leader reviews every result and catches a wrong one with this probability. */
  verify: z.strictObject({ catch_probability: z.number().min(0).max(1) }).optional(),
  /** Output tokens of the leader's final integration call (0: none). */
  integrate_tokens: z.number().int().min(0).default(300),
});

type Options = z.output<typeof schema>;

/** Size of a control message (an assignment, a notification, a summary). */
export const CONTROL_TOKENS = 100;
/** Output tokens of a leader's review of one result. */
export const REVIEW_TOKENS = 100;

/** Sends a message: through the network between two nodes, locally (free, uncounted) to oneself. */
export type Post = (
  from: string,
  to: string,
  kind: string,
  payload: unknown,
  tokens: number,
) => void;

/** A Post over `ctx.net` that delivers a node's messages to itself without the network. */
export function makePost(
  ctx: ProtocolContext,
  handlers: ReadonlyMap<string, (msg: Message) => void>,
): Post {
  return (from, to, kind, payload, tokens) => {
    if (from !== to) {
      ctx.net.send(from, to, kind, payload, tokens);
      return;
    }
    // A note to oneself is not coordination: it costs nothing and is not counted.
    const msg: Message = { id: -1, from, to, kind, payload, tokens, sentAt: ctx.sim.now };
    ctx.sim.schedule(0, () => handlers.get(to)?.(msg));
  };
}

/**
 * One agent's LLM calls, one at a time: a leader works through a single
 * conversation, so its planning, reviews (and own subtasks) queue up.
 */
export class SerialDesk {
  private readonly queue: ((release: () => void) => void)[] = [];
  private busy = false;

  constructor(readonly agent: MockLLM) {}

  /** Runs `job` when the agent is free; the job calls `release` when its calls are over. */
  run(job: (release: () => void) => void): void {
    this.queue.push(job);
    this.pump();
  }

  /**
   * One call of the agent (retried while the API keeps failing); `then` runs
   * unless the agent crashed. A result that is not ok means the call could not be
   * made (e.g. context overflow): the caller goes on without it.
   */
  call(request: CallRequest, then: (r: CallResult) => void): void {
    const agent = this.agent;
    this.run((release) => {
      const go = () =>
        agent.call(request, (r) => {
          if (!r.ok && r.error === "retries_exhausted" && agent.isAlive) {
            go();
            return;
          }
          release();
          if (r.error === "crashed" || !agent.isAlive) return;
          then(r);
        });
      go();
    });
  }

  private pump(): void {
    if (this.busy) return;
    const job = this.queue.shift();
    if (job === undefined) return;
    this.busy = true;
    let released = false;
    job(() => {
      if (released) return;
      released = true;
      this.busy = false;
      this.pump();
    });
  }
}

/** What a worker reports for one subtask. */
export interface ResultPayload {
  subtask: number;
  correct: boolean;
}

/**
 * A worker: keeps the subtasks its leader gave it in topological order, does the
 * first one the leader has cleared (its dependencies are done), one at a time
 * with executeSubtask, and sends each result to its leader (as large as the output).
 */
export class WorkerNode {
  private readonly todo: number[] = [];
  private readonly cleared = new Set<number>();
  private readonly seen = new Set<number>();
  private busy = false;

  constructor(
    private readonly ctx: ProtocolContext,
    readonly agent: MockLLM,
    /** The node it reports to. */
    readonly leader: string,
    private readonly post: Post,
    private readonly position: readonly number[],
    /** Set when the worker is also a leader: its subtasks queue behind its other calls. */
    private readonly desk: SerialDesk | null = null,
  ) {}

  /** Handles `assign` {subtask, cleared} and `go` {subtask} from the leader. */
  receive(msg: Message): void {
    if (!this.agent.isAlive) return;
    // A duplicated message carries the same id: doing the subtask twice would be a bug, not rework.
    if (msg.id >= 0) {
      if (this.seen.has(msg.id)) return;
      this.seen.add(msg.id);
    }
    const p = msg.payload as { subtask: number; cleared?: boolean };
    if (msg.kind === "assign") {
      if (!this.todo.includes(p.subtask)) insertByPosition(this.todo, p.subtask, this.position);
      if (p.cleared) this.cleared.add(p.subtask);
    } else if (msg.kind === "go") {
      this.cleared.add(p.subtask);
    }
    this.next();
  }

  private next(): void {
    if (this.busy || !this.agent.isAlive) return;
    const k = this.todo.findIndex((s) => this.cleared.has(s));
    if (k < 0) return;
    const s = this.todo[k];
    this.todo.splice(k, 1);
    this.cleared.delete(s);
    this.busy = true;
    const subtask = workGraphOf(this.ctx).subtasks[s];
    const work = (release: () => void) =>
      executeSubtask(
        this.ctx,
        this.agent,
        subtask,
        (o) => {
          release();
          this.busy = false;
          if (!o.ok) return;
          const payload: ResultPayload = { subtask: s, correct: o.correct };
          this.post(this.agent.id, this.leader, "result", payload, o.outputTokens);
          this.next();
        },
        { extraInputTokens: CONTROL_TOKENS },
      );
    if (this.desk !== null) this.desk.run(work);
    else work(() => {});
  }
}

/** Inserts `s` into `list` (kept sorted by topological position). */
export function insertByPosition(list: number[], s: number, position: readonly number[]): void {
  let k = list.length;
  while (k > 0 && position[list[k - 1]] > position[s]) k--;
  list.splice(k, 0, s);
}

/** position[s]: where subtask s stands in the graph's topological order. */
export function positionsOf(graph: WorkGraph): number[] {
  const position = new Array<number>(graph.size);
  graph.order.forEach((s, k) => {
    position[s] = k;
  });
  return position;
}

/** The input of a planning call: the task description, as large as a subtask prompt on average. */
export function planInputTokens(graph: WorkGraph, subtasks: readonly number[]): number {
  let sum = 0;
  for (const s of subtasks) sum += graph.subtasks[s].promptTokens;
  return Math.max(1, Math.round(sum / Math.max(1, subtasks.length)));
}

const WAITING = 0;
const READY = 1;
const RUNNING = 2;
const REVIEWING = 3;
const ACCEPTED = 4;

// agent-0 leads: it plans, hands out subtasks, reviews and accepts results, and
// integrates at the end; agent-1..n-1 work. Star topology: every message goes to
// or from the leader. With one agent (or when every worker has crashed) the
// leader does the work itself, behind its own calls (one at a time).
//
// Choices worth knowing:
// - A subtask is decided when the leader accepts it; the integration call comes
//   after the last decision, so it adds cost and time before quiescence but not
//   makespan. The planning call and the reviews are on the critical path.
// - Synchronous rounds: a round lasts until every worker's subtask is done,
//   redos caught by its tests included; the leader picks each worker's subtask
//   (preassigned: the worker's first ready one) in the round's assignment, so no
//   separate up-front assignment or "dependencies done" messages are sent.
// - The leader is a single point of failure: once it crashes nothing more is
//   accepted and the run ends at quiescence with subtasks undecided.
// - A crashed worker's unfinished subtasks are reassigned (dynamic: back in the
//   ready queue; preassigned: by the same rule as before the run, over the live
//   workers). A worker that recovers is not taken back. Lost messages are not
//   resent: a lost assignment or result leaves its subtask undecided.
class LeaderWorker implements Protocol {
  private readonly graph: WorkGraph;
  private readonly position: number[];
  private readonly leader: MockLLM;
  private readonly desk: SerialDesk;
  private readonly post: Post;
  private readonly handlers = new Map<string, (msg: Message) => void>();
  private readonly workerNodes: WorkerNode[] = [];
  private readonly seen = new Set<number>();
  private readonly verifyRng: RandomStream;
  private readonly status: number[];
  /** Dependencies of each subtask not accepted yet. */
  private readonly remaining: number[];
  /** The worker a subtask is given to (preassigned: its owner; dynamic: who runs it). */
  private readonly holder: number[];
  /** Ready subtasks not given to anyone (dynamic), by topological position. */
  private readonly readyQueue: number[] = [];
  /** The subtask each worker is running (-1: idle), as the leader knows it. */
  private readonly running: number[];
  /** Live workers, by index. */
  private pool: number[];
  private roundRobin = 0;
  private accepted = 0;
  private resultTokens = 0;
  private started = false;
  /** Synchronous mode: workers whose result the round waits for, and the results in. */
  private readonly outstanding = new Set<number>();
  private roundResults: { worker: number; subtask: number; correct: boolean; tokens: number }[] =
    [];
  private reviewsPending = 0;

  constructor(
    private readonly ctx: ProtocolContext,
    private readonly options: Options,
  ) {
    this.graph = workGraphOf(ctx);
    this.position = positionsOf(this.graph);
    this.leader = ctx.agents[0];
    this.desk = new SerialDesk(this.leader);
    this.post = makePost(ctx, this.handlers);
    this.verifyRng = ctx.rng.stream("protocol/leader-worker/verify");
    const m = this.graph.size;
    this.status = new Array(m).fill(WAITING);
    this.remaining = this.graph.subtasks.map((s) => s.deps.length);
    this.holder = new Array(m).fill(-1);
    this.running = new Array(ctx.agents.length).fill(-1);
    const n = ctx.agents.length;
    this.pool = n > 1 ? Array.from({ length: n - 1 }, (_, i) => i + 1) : [0];
  }

  start(): void {
    const { agents, net } = this.ctx;
    for (const agent of agents) {
      const node = new WorkerNode(
        this.ctx,
        agent,
        this.leader.id,
        this.post,
        this.position,
        agent.index === 0 ? this.desk : null,
      );
      this.workerNodes.push(node);
      const handler =
        agent.index === 0
          ? (msg: Message) => (msg.kind === "result" ? this.onResult(msg) : node.receive(msg))
          : (msg: Message) => node.receive(msg);
      this.handlers.set(agent.id, handler);
      net.register(agent.id, handler);
      if (agent.index > 0) agent.onCrash((a) => this.onWorkerCrash(a.index));
    }
    const all = this.graph.order;
    const planTokens = this.options.plan_tokens_per_subtask * this.graph.size;
    if (planTokens === 0) {
      this.begin();
      return;
    }
    this.desk.call(
      {
        inputTokens: planInputTokens(this.graph, all),
        outputTokens: planTokens,
        label: "plan",
      },
      () => this.begin(),
    );
  }

  private get synchronous(): boolean {
    return this.options.rounds === "synchronous";
  }

  private get preassigned(): boolean {
    return this.options.assignment === "preassigned";
  }

  // After planning: hand out the work.
  private begin(): void {
    this.started = true;
    for (const s of this.graph.order) {
      if (this.remaining[s] === 0) this.status[s] = READY;
      if (this.preassigned) this.holder[s] = this.ownerFor(s);
      else if (this.remaining[s] === 0) insertByPosition(this.readyQueue, s, this.position);
    }
    if (this.preassigned && !this.synchronous) {
      for (const s of this.graph.order) this.sendAssign(s, this.remaining[s] === 0);
    }
    if (this.synchronous) this.startRound();
    else this.dispatch();
  }

  // A subtask whose dependency some live worker owns goes to that worker (a chain
  // stays on one worker); otherwise the next live worker in round-robin order.
  private ownerFor(s: number): number {
    for (const d of this.graph.subtasks[s].deps) {
      const w = this.holder[d];
      if (w >= 0 && this.pool.includes(w)) return w;
    }
    const w = this.pool[this.roundRobin % this.pool.length];
    this.roundRobin++;
    return w;
  }

  private sendAssign(s: number, cleared: boolean): void {
    const w = this.holder[s];
    this.post(this.leader.id, `agent-${w}`, "assign", { subtask: s, cleared }, CONTROL_TOKENS);
  }

  // Asynchronous dynamic: every idle live worker gets the next ready subtask.
  private dispatch(): void {
    if (!this.leader.isAlive || this.preassigned || this.synchronous) return;
    for (const w of this.pool) {
      if (this.readyQueue.length === 0) return;
      if (this.running[w] >= 0) continue;
      const s = this.readyQueue.shift() as number;
      this.give(w, s);
      this.sendAssign(s, true);
    }
  }

  private give(w: number, s: number): void {
    this.running[w] = s;
    this.holder[s] = w;
    this.status[s] = RUNNING;
  }

  private startRound(): void {
    if (!this.leader.isAlive) return;
    const plan: [number, number][] = [];
    for (const w of this.pool) {
      let s = -1;
      if (this.preassigned) {
        // The worker's first ready subtask in topological order.
        for (const k of this.graph.order) {
          if (this.holder[k] === w && this.status[k] === READY) {
            s = k;
            break;
          }
        }
      } else if (this.readyQueue.length > 0) {
        s = this.readyQueue.shift() as number;
      }
      if (s >= 0) plan.push([w, s]);
    }
    // Nothing left to do (all accepted, or nobody can make progress): no more rounds.
    if (plan.length === 0) return;
    this.ctx.counters.rounds++;
    for (const [w, s] of plan) {
      this.give(w, s);
      this.outstanding.add(w);
      this.sendAssign(s, true);
    }
  }

  private onResult(msg: Message): void {
    if (!this.leader.isAlive) return;
    if (msg.id >= 0) {
      if (this.seen.has(msg.id)) return;
      this.seen.add(msg.id);
    }
    const { subtask: s, correct } = msg.payload as ResultPayload;
    const w = Number(msg.from.slice("agent-".length));
    if (this.running[w] === s) this.running[w] = -1;
    if (this.status[s] === ACCEPTED || this.status[s] === REVIEWING || this.status[s] === WAITING) {
      // Someone else already delivered it (the subtask was reassigned after a crash): thrown away.
      this.ctx.counters.rework++;
    } else if (this.synchronous) {
      this.unqueue(s);
      this.status[s] = REVIEWING;
      this.roundResults.push({ worker: w, subtask: s, correct, tokens: msg.tokens });
    } else {
      this.unqueue(s);
      this.review(s, correct, msg.tokens);
    }
    if (this.synchronous) {
      this.outstanding.delete(w);
      this.maybeEndRound();
    } else {
      this.dispatch();
    }
  }

  // A result sent just before its worker crashed arrives after the subtask was requeued: withdraw the copy.
  private unqueue(s: number): void {
    const k = this.readyQueue.indexOf(s);
    if (k >= 0) this.readyQueue.splice(k, 1);
  }

  // Synchronous barrier: once every result of the round is in (or its worker
  // crashed), the leader reviews them in worker order, then starts the next round.
  private maybeEndRound(): void {
    if (this.outstanding.size > 0 || this.reviewsPending > 0) return;
    const results = this.roundResults.sort((a, b) => a.worker - b.worker);
    this.roundResults = [];
    if (results.length === 0) {
      this.startRound();
      return;
    }
    this.reviewsPending = results.length;
    for (const r of results) {
      this.review(r.subtask, r.correct, r.tokens, () => {
        this.reviewsPending--;
        if (this.reviewsPending === 0) this.startRound();
      });
    }
  }

  // The leader accepts a result, after reviewing it when `verify` is set.
  private review(s: number, correct: boolean, tokens: number, after?: () => void): void {
    this.status[s] = REVIEWING;
    const verify = this.options.verify;
    if (verify === undefined) {
      this.accept(s, correct, tokens);
      after?.();
      return;
    }
    this.desk.call(
      { inputTokens: Math.max(1, tokens), outputTokens: REVIEW_TOKENS, label: `review-${s}` },
      (r) => {
        // One draw per review, caught or not, so later reviews see the same numbers.
        const u = this.verifyRng.next();
        if (r.ok && !correct && u < verify.catch_probability) {
          this.ctx.counters.rework++;
          this.sendBack(s);
        } else {
          this.accept(s, correct, tokens);
        }
        after?.();
        this.dispatch();
      },
    );
  }

  // A caught wrong result is done again: dynamic puts it first in line, preassigned
  // returns it to its owner (or a live successor).
  private sendBack(s: number): void {
    this.status[s] = READY;
    if (this.preassigned) {
      if (!this.pool.includes(this.holder[s])) this.holder[s] = this.ownerFor(s);
      if (!this.synchronous) this.sendAssign(s, true);
    } else {
      insertByPosition(this.readyQueue, s, this.position);
    }
  }

  private accept(s: number, correct: boolean, tokens: number): void {
    const { history, sim } = this.ctx;
    this.status[s] = ACCEPTED;
    this.accepted++;
    this.resultTokens += tokens;
    const answer = correct ? 0 : 1;
    history.propose(s, answer);
    history.decide(s, this.leader.id, answer, sim.now);
    for (const d of this.graph.dependents[s]) {
      if (--this.remaining[d] > 0) continue;
      this.status[d] = READY;
      if (!this.preassigned) insertByPosition(this.readyQueue, d, this.position);
      else if (!this.synchronous) {
        this.post(this.leader.id, `agent-${this.holder[d]}`, "go", { subtask: d }, CONTROL_TOKENS);
      }
    }
    if (this.accepted === this.graph.size) this.integrate();
  }

  // The final integration call comes after the last decision: it adds cost and
  // time before quiescence, but not to the makespan (the time of the last decision).
  private integrate(): void {
    if (this.options.integrate_tokens === 0) return;
    this.desk.call(
      {
        inputTokens: Math.max(1, this.resultTokens),
        outputTokens: this.options.integrate_tokens,
        label: "integrate",
      },
      () => {},
    );
  }

  // The leader hears of a worker's crash at once (perfect failure detector) and
  // gives its unfinished subtasks to live workers.
  private onWorkerCrash(w: number): void {
    if (!this.pool.includes(w)) return;
    this.pool = this.pool.filter((x) => x !== w);
    // Nobody left to work: the leader does the rest itself.
    if (this.pool.length === 0) this.pool = [0];
    if (!this.leader.isAlive || !this.started) {
      // Before the plan is out nothing has been handed to anyone yet.
      return;
    }
    const lost = this.running[w];
    this.running[w] = -1;
    if (this.preassigned) {
      for (const s of this.graph.order) {
        if (this.holder[s] !== w || this.status[s] === ACCEPTED) continue;
        this.holder[s] = this.ownerFor(s);
        if (this.status[s] === RUNNING) this.status[s] = READY;
        if (!this.synchronous && this.status[s] !== REVIEWING) {
          this.sendAssign(s, this.status[s] === READY);
        }
      }
    } else if (lost >= 0 && this.status[lost] === RUNNING) {
      this.status[lost] = READY;
      insertByPosition(this.readyQueue, lost, this.position);
    }
    if (this.synchronous) {
      this.outstanding.delete(w);
      this.maybeEndRound();
    } else {
      this.dispatch();
    }
  }
}

/** `leader-worker`: agent-0 plans, assigns subtasks to agent-1..n-1, reviews and integrates. */
export const leaderWorker: ProtocolModule<typeof schema> = {
  name: "leader-worker",
  summary:
    "agent-0 plans and hands subtasks to workers (preassigned or dynamic, rounds or free-running), accepts results, integrates",
  schema,
  tasks: ["workgraph"],
  create: (ctx, options) => new LeaderWorker(ctx, options),
};
