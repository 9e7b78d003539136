import { z } from "zod";
import type { MockLLM } from "../agents/MockLLM.js";
import type { RandomStream } from "../core/Rng.js";
import type { SimEvent } from "../core/Simulation.js";
import type { Message } from "../net/Network.js";
import type { WorkGraph } from "../tasks/WorkGraph.js";
import { executeSubtask, type SubtaskOutcome } from "./executeSubtask.js";
import type { Protocol, ProtocolContext, ProtocolModule } from "./Protocol.js";
import { workGraphOf } from "./taskOf.js";

const schema = z.strictObject({
  protocol: z.literal("decentralized"),
  /**
   * asynchronous: every agent claims its next subtask as soon as it is free;
   * synchronous: the paper's setup, rounds of one LLM call per agent ending at a barrier.
   */
  rounds: z.enum(["synchronous", "asynchronous"]).default("asynchronous"),
  /** first: the lowest claimable subtask in topological order; random: uniform among the first `pick_window`. */
  pick: z.enum(["first", "random"]).default("random"),
  /** How many of the first claimable subtasks a `random` pick chooses among. */
  pick_window: z.number().int().min(1).default(3),
  /** Size of a claim broadcast (tokens). */
  claim_tokens: z.number().int().min(0).default(20),
  /** Output tokens of the "look at the board" call of an idle agent in a synchronous round. */
  idle_call_tokens: z.number().int().min(1).default(50),
  /** A claim with no completion for this long is presumed dead and may be claimed again. */
  claim_timeout_s: z.number().positive().default(600),
});

type Options = z.output<typeof schema>;

interface Claim {
  agent: number;
  at: number;
}

/** One agent's copy of the task board: only what has been delivered to it. */
interface BoardCopy {
  done: Uint8Array;
  claim: (Claim | null)[];
}

interface ClaimPayload {
  item: number;
  agent: number;
  at: number;
}

interface DonePayload {
  item: number;
}

// Floating-point slack for "the timeout has passed" at a timer scheduled for exactly then.
const EPS = 1e-9;

// Leaderless peers claim subtasks from an eventually consistent task board.
// Each agent decides from its own copy, which messages update with network
// delay and loss. The true board (the shared repository) orders the claims:
// the earliest live claim holds the subtask and its output is the one the team
// accepts; every later concurrent claimant's work is thrown away when it
// finishes. Accepting the first claim rather than the first finished output
// keeps duplicate work a pure loss: racing copies of a subtask would otherwise
// hedge the call latency and beat the work-span bound.
class Decentralized implements Protocol {
  private readonly n: number;
  private readonly graph: WorkGraph;
  private readonly copies: BoardCopy[] = [];
  private readonly accepted: Uint8Array;
  private readonly acceptedAt: Float64Array;
  /** Live claims of each subtask on the true board, earliest first (the first one holds it). */
  private readonly working: Claim[][];
  private readonly busy: boolean[];
  private readonly stopped: boolean[];
  private readonly wake: (SimEvent | null)[];
  private readonly picks: RandomStream[];
  /** Subtasks sharing each file, for file conflicts. */
  private readonly sharers: number[][];
  private readonly fileConflicts = new Set<string>();
  private readonly boardTokens: number;
  // Synchronous rounds.
  private outstanding = 0;
  private roundHadWork = false;
  private changedDuringRound = false;
  private inRound = false;
  private dormant = false;
  private nextRound: SimEvent | null = null;

  constructor(
    private readonly ctx: ProtocolContext,
    private readonly options: Options,
  ) {
    this.n = ctx.agents.length;
    this.graph = workGraphOf(ctx);
    const m = this.graph.size;
    for (let i = 0; i < this.n; i++) {
      this.copies.push({ done: new Uint8Array(m), claim: new Array(m).fill(null) });
    }
    this.accepted = new Uint8Array(m);
    this.acceptedAt = new Float64Array(m).fill(Number.NaN);
    this.working = Array.from({ length: m }, () => []);
    this.busy = new Array(this.n).fill(false);
    this.stopped = new Array(this.n).fill(false);
    this.wake = new Array(this.n).fill(null);
    this.picks = ctx.agents.map((a) => ctx.rng.stream(`agent/${a.index}/pick`));
    const byFile = new Map<string, number[]>();
    for (const s of this.graph.subtasks) {
      for (const f of s.files) {
        const list = byFile.get(f);
        if (list === undefined) byFile.set(f, [s.index]);
        else list.push(s.index);
      }
    }
    this.sharers = this.graph.subtasks.map((s) => {
      const out: number[] = [];
      for (const f of s.files)
        for (const k of byFile.get(f) ?? []) if (k !== s.index && !out.includes(k)) out.push(k);
      return out.sort((a, b) => a - b);
    });
    // An idle look at the board reads one line per subtask.
    this.boardTokens = Math.max(1, options.claim_tokens * m);
  }

  start(): void {
    const { net, agents } = this.ctx;
    for (const agent of agents) net.register(agent.id, (msg) => this.onMessage(agent.index, msg));
    if (this.options.rounds === "synchronous") {
      this.startRound();
    } else {
      for (const agent of agents) this.tryWork(agent.index);
    }
  }

  // --- the board copies ---------------------------------------------------

  private onMessage(i: number, msg: Message): void {
    const copy = this.copies[i];
    let changed = false;
    if (msg.kind === "claim") {
      const c = msg.payload as ClaimPayload;
      const known = copy.claim[c.item];
      // The newest claim is the best evidence that someone is still on it.
      if (copy.done[c.item] === 0 && (known === null || c.at > known.at)) {
        copy.claim[c.item] = { agent: c.agent, at: c.at };
        changed = true;
      }
    } else {
      const d = msg.payload as DonePayload;
      if (copy.done[d.item] === 0) {
        copy.done[d.item] = 1;
        changed = true;
      }
    }
    if (!changed) return;
    if (this.options.rounds === "asynchronous") {
      if (!this.busy[i] && !this.stopped[i] && this.ctx.agents[i].isAlive) this.tryWork(i);
    } else if (this.inRound) {
      this.changedDuringRound = true;
    } else if (this.dormant) {
      this.scheduleRound(this.ctx.sim.now);
    }
  }

  private allDone(i: number): boolean {
    const done = this.copies[i].done;
    for (let k = 0; k < done.length; k++) if (done[k] === 0) return false;
    return true;
  }

  private depsDone(i: number, k: number): boolean {
    const done = this.copies[i].done;
    for (const d of this.graph.subtasks[k].deps) if (done[d] === 0) return false;
    return true;
  }

  private isStale(c: Claim): boolean {
    return this.ctx.sim.now - c.at >= this.options.claim_timeout_s - EPS;
  }

  /** The subtask agent i claims next according to its copy, or -1. */
  private choose(i: number): number {
    const copy = this.copies[i];
    const want = this.options.pick === "first" ? 1 : this.options.pick_window;
    const candidates: number[] = [];
    for (const k of this.graph.order) {
      if (copy.done[k] === 1 || !this.depsDone(i, k)) continue;
      const c = copy.claim[k];
      if (c !== null && c.agent !== i && !this.isStale(c)) continue;
      candidates.push(k);
      if (candidates.length === want) break;
    }
    if (candidates.length === 0) return -1;
    if (this.options.pick === "first") return candidates[0];
    return candidates[this.picks[i].int(candidates.length)];
  }

  /** When the earliest claim blocking agent i goes stale (Infinity if none does). */
  private earliestStale(i: number): number {
    const copy = this.copies[i];
    let t = Number.POSITIVE_INFINITY;
    for (let k = 0; k < copy.done.length; k++) {
      const c = copy.claim[k];
      if (copy.done[k] === 1 || c === null || c.agent === i || !this.depsDone(i, k)) continue;
      t = Math.min(t, c.at + this.options.claim_timeout_s);
    }
    return t;
  }

  // --- claiming and working ------------------------------------------------

  private claim(i: number, k: number): void {
    const { net, sim, agents, counters } = this.ctx;
    // Someone else is already on it, or it is already done: a concurrent claim.
    const live = this.working[k].some((c) => c.agent !== i && agents[c.agent].isAlive);
    if (this.accepted[k] === 1 || live) counters.conflicts++;
    const at = sim.now;
    this.working[k].push({ agent: i, at });
    this.copies[i].claim[k] = { agent: i, at };
    const payload: ClaimPayload = { item: k, agent: i, at };
    for (let j = 0; j < this.n; j++) {
      if (j !== i)
        net.send(agents[i].id, agents[j].id, "claim", payload, this.options.claim_tokens);
    }
  }

  private work(i: number, k: number, then: () => void): void {
    const agent = this.ctx.agents[i];
    this.busy[i] = true;
    const started = this.ctx.sim.now;
    executeSubtask(this.ctx, agent, this.graph.subtasks[k], (o) => {
      this.finish(agent, k, started, o);
      then();
    });
  }

  private finish(agent: MockLLM, k: number, started: number, o: SubtaskOutcome): void {
    const { net, sim, history, counters, agents } = this.ctx;
    const i = agent.index;
    this.busy[i] = false;
    const w = this.working[k];
    const owner = w[0];
    w.splice(
      w.findIndex((c) => c.agent === i),
      1,
    );
    const copy = this.copies[i];
    if (!o.ok) {
      // Crashed (its claim dies with it, the next claimant inherits the subtask)
      // or the prompt can never fit: give it up.
      const c = copy.claim[k];
      if (c !== null && c.agent === i) copy.claim[k] = null;
      if (agent.isAlive) this.stopped[i] = true;
      return;
    }
    const answer = o.correct ? 0 : 1;
    history.propose(k, answer);
    if (this.accepted[k] === 1) {
      // Done already (its copy had not heard): the output is thrown away.
      counters.rework++;
      copy.done[k] = 1;
      return;
    }
    if (owner.agent !== i) {
      // An earlier claim holds the subtask's file: this output is thrown away,
      // even if it is finished first, and the agent now knows who holds it.
      counters.rework++;
      copy.claim[k] = { agent: owner.agent, at: owner.at };
      return;
    }
    this.accepted[k] = 1;
    this.acceptedAt[k] = sim.now;
    history.decide(k, agent.id, answer, sim.now);
    this.countFileConflicts(k, started);
    copy.done[k] = 1;
    const payload: DonePayload = { item: k };
    for (let j = 0; j < this.n; j++) {
      if (j !== i) net.send(agent.id, agents[j].id, "done", payload, o.outputTokens);
    }
  }

  // Two subtasks that write the same file and were done over overlapping
  // intervals conflict; the later one to finish counts the pair, once.
  private countFileConflicts(k: number, started: number): void {
    for (const j of this.sharers[k]) {
      if (this.accepted[j] === 0 || !(this.acceptedAt[j] > started)) continue;
      const key = j < k ? `${j}:${k}` : `${k}:${j}`;
      if (this.fileConflicts.has(key)) continue;
      this.fileConflicts.add(key);
      this.ctx.counters.conflicts++;
    }
  }

  // --- asynchronous mode ---------------------------------------------------

  private tryWork(i: number): void {
    const { sim } = this.ctx;
    const timer = this.wake[i];
    if (timer !== null) {
      sim.cancel(timer);
      this.wake[i] = null;
    }
    if (this.allDone(i)) {
      this.stopped[i] = true;
      return;
    }
    const k = this.choose(i);
    if (k < 0) {
      // Idle until a message changes the copy, or until a blocking claim goes stale.
      const t = this.earliestStale(i);
      if (t < Number.POSITIVE_INFINITY) {
        this.wake[i] = sim.scheduleAt(Math.max(t, sim.now), () => {
          this.wake[i] = null;
          if (!this.busy[i] && !this.stopped[i] && this.ctx.agents[i].isAlive) this.tryWork(i);
        });
      }
      return;
    }
    this.claim(i, k);
    this.work(i, k, () => {
      if (!this.stopped[i] && this.ctx.agents[i].isAlive) this.tryWork(i);
    });
  }

  // --- synchronous mode ----------------------------------------------------

  private scheduleRound(at: number): void {
    const { sim } = this.ctx;
    if (this.nextRound !== null) sim.cancel(this.nextRound);
    this.dormant = false;
    // After any message delivered at the same instant, so the round sees it.
    this.nextRound = sim.scheduleAt(at, () => this.startRound(), 1);
  }

  private startRound(): void {
    const { agents, counters } = this.ctx;
    this.nextRound = null;
    this.dormant = false;
    const workers: [number, number][] = [];
    const idlers: number[] = [];
    for (const agent of agents) {
      const i = agent.index;
      if (!agent.isAlive || this.stopped[i]) continue;
      if (this.allDone(i)) {
        this.stopped[i] = true;
        continue;
      }
      const k = this.choose(i);
      if (k < 0) idlers.push(i);
      else workers.push([i, k]);
    }
    if (workers.length + idlers.length === 0) return;
    counters.rounds++;
    this.inRound = true;
    this.roundHadWork = workers.length > 0;
    this.changedDuringRound = false;
    this.outstanding = workers.length + idlers.length;
    // Everyone picks from the board as it was at the start of the round, then claims.
    for (const [i, k] of workers) this.claim(i, k);
    for (const [i, k] of workers) this.work(i, k, () => this.arrive());
    for (const i of idlers) {
      agents[i].call(
        {
          inputTokens: this.boardTokens,
          outputTokens: this.options.idle_call_tokens,
          label: "board",
        },
        () => this.arrive(),
      );
    }
  }

  // The barrier: the round ends when the slowest call has returned.
  private arrive(): void {
    if (--this.outstanding > 0) return;
    this.inRound = false;
    const { sim, agents } = this.ctx;
    if (this.roundHadWork || this.changedDuringRound) {
      this.scheduleRound(sim.now);
      return;
    }
    // Nobody could do anything: wait for a message that changes a copy, or a stale claim.
    this.dormant = true;
    let t = Number.POSITIVE_INFINITY;
    for (const agent of agents) {
      if (agent.isAlive && !this.stopped[agent.index])
        t = Math.min(t, this.earliestStale(agent.index));
    }
    if (t < Number.POSITIVE_INFINITY) {
      this.scheduleRound(Math.max(t, sim.now));
      this.dormant = true;
    }
  }
}

/** `decentralized`: leaderless peers claim subtasks from an eventually consistent board (the paper's decentralized mode). */
export const decentralized: ProtocolModule<typeof schema> = {
  name: "decentralized",
  summary:
    "leaderless peers claim subtasks from an eventually consistent board; concurrent claims conflict",
  schema,
  tasks: ["workgraph"],
  create: (ctx, options) => new Decentralized(ctx, options),
};
