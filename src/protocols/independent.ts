import { z } from "zod";
import type { CallHandle, CallRequest, CallResult, MockLLM } from "../agents/MockLLM.js";
import type { RandomStream } from "../core/Rng.js";
import type { Message } from "../net/Network.js";
import { executeSubtask } from "./executeSubtask.js";
import type { Protocol, ProtocolContext, ProtocolModule } from "./Protocol.js";
import { questionsOf, workGraphOf } from "./taskOf.js";

const schema = z.strictObject({
  protocol: z.literal("independent"),
  /**
   * majority: the answer with more than half of the votes received, else no answer;
   * plurality: the most voted answer, ties broken uniformly at random;
   * weighted: the voted answer with the largest sum of log(c/(1-c)) over its voters'
   * reported confidences c, ties broken uniformly at random.
   */
  aggregate: z.enum(["majority", "plurality", "weighted"]).default("majority"),
  /** How agents report confidence (used by `aggregate: weighted`). */
  confidence: z
    .strictObject({
      /** 1: confidence tracks correctness (mean 0.9 right, 0.1 wrong); 0: it carries no information. */
      calibration: z.number().min(0).max(1).default(1),
      /** Added to every agent's mean confidence (uninformative inflation). */
      overconfidence: z.number().default(0),
    })
    .prefault({}),
  /**
   * Decide an item as soon as the outstanding votes cannot change the outcome, cancel
   * the calls still running on it and let agents that have not reached it skip it.
   */
  early_stop: z.boolean().default(false),
  /**
   * Decide an item once this many votes are in (a quorum), cancelling the calls
   * still running on it: the team stops waiting for its stragglers.
   */
  quorum: z.number().int().min(1).optional(),
  /**
   * Hedged requests (Dean & Barroso 2013, "The Tail at Scale"): if a call has not
   * returned after this many seconds, the agent sends the same request again and
   * takes whichever reply comes first, cancelling the other.
   */
  hedge_after_s: z.number().positive().optional(),
});

type Options = z.output<typeof schema>;

/** Node name of the vote collector (not an LLM: it only counts). */
export const COORDINATOR = "coordinator";

/** Size in tokens of a control message ("stop item k", "done"). */
const CONTROL_TOKENS = 8;

// Reported confidences are clipped so that a vote's weight is bounded (|w| <= MAX_WEIGHT):
// early stopping needs a bound on what the outstanding votes can still add.
const CONFIDENCE_CLIP = 1e-3;
const MAX_WEIGHT = Math.log((1 - CONFIDENCE_CLIP) / CONFIDENCE_CLIP);
// Beta concentration a + b of the confidence model.
const CONFIDENCE_CONCENTRATION = 10;

interface VotePayload {
  item: number;
  /** The answer, or -1 for "I could not answer" (the call failed). */
  answer: number;
  /** The reported confidence in (0, 1) (weighted aggregation only; else 0.5). */
  confidence: number;
}

interface StopPayload {
  item: number;
}

// n agents answer every item independently and send their votes to a
// coordinator, which decides an item once every agent has voted or is known to
// have crashed (perfect failure detection: the simulator tells it), or, with
// early stopping, once the votes still outstanding cannot change the outcome.
class Independent implements Protocol {
  private readonly n: number;
  private readonly responded: Uint8Array[] = [];
  private readonly tallies: number[][] = [];
  private readonly weights: number[][] = [];
  private readonly decided: boolean[] = [];
  private readonly dead: boolean[];
  private readonly tiebreak: RandomStream;
  // Agent side of early stopping: items each agent was told to skip, and the call it has in flight.
  private readonly skip: Uint8Array[] = [];
  private readonly current: ({ item: number; abandon: () => boolean } | null)[];
  // Early stopping and quorums both tell agents to drop settled items.
  private readonly stops: boolean;
  /** Backup requests sent (hedging). */
  hedges = 0;

  constructor(
    private readonly ctx: ProtocolContext,
    private readonly options: Options,
  ) {
    this.n = ctx.agents.length;
    this.stops = options.early_stop || options.quorum !== undefined;
    this.dead = new Array(this.n).fill(false);
    this.current = new Array(this.n).fill(null);
    this.tiebreak = ctx.rng.stream("protocol/tiebreak");
    const items = questionsOf(ctx).items;
    for (const item of items) {
      this.responded.push(new Uint8Array(this.n));
      this.tallies.push(new Array(item.choices).fill(0));
      this.weights.push(new Array(item.choices).fill(0));
      this.decided.push(false);
    }
    if (this.stops) for (let i = 0; i < this.n; i++) this.skip.push(new Uint8Array(items.length));
  }

  start(): void {
    const { net, agents } = this.ctx;
    net.register(COORDINATOR, (msg) => this.onVote(msg));
    for (const agent of agents) {
      if (this.stops) net.register(agent.id, (msg) => this.onStop(agent, msg));
      agent.onCrash((a) => this.onCrash(a));
      this.ask(agent, 0);
    }
  }

  private ask(agent: MockLLM, first: number): void {
    const { net, history } = this.ctx;
    const items = questionsOf(this.ctx).items;
    let k = first;
    // An item the coordinator has already settled is not worth a call.
    if (this.stops) while (k < items.length && this.skip[agent.index][k]) k++;
    const item = items[k];
    if (item === undefined) return;
    const request = {
      inputTokens: item.promptTokens,
      pRef: item.pRef,
      choices: item.choices,
      label: k,
    };
    // With hedging two calls may be in flight for the item: the first reply wins
    // and the other is cancelled; `abandon` drops both (the item was settled).
    let replied = false;
    const handles: CallHandle[] = [];
    // Settles the item for this agent; true if it was the first to do so.
    const finish = (): boolean => {
      if (replied) return false;
      replied = true;
      this.current[agent.index] = null;
      for (const h of handles) h.cancel();
      return true;
    };
    // The coordinator settled the item: drop it if a call on it is still running.
    const abandon = (): boolean => {
      const running = !replied;
      finish();
      return running;
    };
    const onReply = (r: CallResult) => {
      if (!finish()) return;
      if (r.error === "crashed") return;
      if (r.ok) history.propose(k, r.answer);
      const confidence =
        r.ok && this.options.aggregate === "weighted" ? this.confidence(agent, r.correct) : 0.5;
      const payload: VotePayload = { item: k, answer: r.ok ? r.answer : -1, confidence };
      // A vote is as large as the answer that carries it.
      net.send(agent.id, COORDINATOR, "vote", payload, r.outputTokens);
      this.ask(agent, k + 1);
    };
    handles.push(agent.call(request, onReply));
    const hedge = this.options.hedge_after_s;
    if (hedge !== undefined) {
      this.ctx.sim.schedule(hedge, () => {
        if (replied || !agent.isAlive) return;
        this.hedges++;
        handles.push(agent.call(request, onReply));
      });
    }
    this.current[agent.index] = { item: k, abandon };
  }

  // The agent's reported confidence: Beta with a mean that follows correctness in
  // proportion to the calibration, shifted by overconfidence.
  private confidence(agent: MockLLM, correct: boolean): number {
    const { calibration, overconfidence } = this.options.confidence;
    const m = clip(0.5 + 0.4 * calibration * (correct ? 1 : -1) + overconfidence, 0.02, 0.98);
    const c = this.ctx.rng
      .stream(`agent/${agent.index}/confidence`)
      .beta(m * CONFIDENCE_CONCENTRATION, (1 - m) * CONFIDENCE_CONCENTRATION);
    return clip(c, CONFIDENCE_CLIP, 1 - CONFIDENCE_CLIP);
  }

  // The coordinator has settled `item`: drop it, and abandon the call on it if one is running.
  private onStop(agent: MockLLM, msg: Message): void {
    if (!agent.isAlive) return;
    const { item } = msg.payload as StopPayload;
    this.skip[agent.index][item] = 1;
    const cur = this.current[agent.index];
    if (cur !== null && cur.item === item && cur.abandon()) this.ask(agent, item + 1);
  }

  private onVote(msg: Message): void {
    const { item, answer, confidence } = msg.payload as VotePayload;
    const from = Number(msg.from.slice("agent-".length));
    if (this.decided[item] || this.responded[item][from]) return;
    this.responded[item][from] = 1;
    if (answer >= 0) {
      this.tallies[item][answer]++;
      this.weights[item][answer] += Math.log(confidence / (1 - confidence));
    }
    this.tryDecide(item);
  }

  private onCrash(agent: MockLLM): void {
    this.dead[agent.index] = true;
    for (let k = 0; k < this.decided.length; k++) if (!this.decided[k]) this.tryDecide(k);
  }

  private tryDecide(k: number): void {
    const responded = this.responded[k];
    let any = false;
    let outstanding = 0;
    for (let i = 0; i < this.n; i++) {
      if (responded[i]) any = true;
      else if (!this.dead[i]) outstanding++;
    }
    const quorum = this.options.quorum;
    const votes = this.n - outstanding - this.deadWithoutVote(k);
    if (outstanding > 0) {
      const quorate = quorum !== undefined && votes >= quorum;
      if (!quorate && (!this.options.early_stop || !this.settled(k, outstanding))) return;
    } else if (!any) {
      // Nobody left to vote and nobody voted: the item stays undecided.
      return;
    }
    this.decided[k] = true;
    const answer = this.aggregate(k);
    this.ctx.history.decide(k, COORDINATOR, answer, this.ctx.sim.now);
    if (this.ctx.trace.enabled) {
      this.ctx.trace.record({
        t: this.ctx.sim.now,
        type: "decide",
        node: COORDINATOR,
        item: k,
        answer,
        tally: [...this.tallies[k]],
      });
    }
    if (outstanding > 0) {
      for (let i = 0; i < this.n; i++) {
        if (responded[i] || this.dead[i]) continue;
        const payload: StopPayload = { item: k };
        this.ctx.net.send(COORDINATOR, `agent-${i}`, "stop", payload, CONTROL_TOKENS);
      }
    }
  }

  private deadWithoutVote(k: number): number {
    let d = 0;
    for (let i = 0; i < this.n; i++) if (!this.responded[k][i] && this.dead[i]) d++;
    return d;
  }

  // Whether `outstanding` more votes (any answers, any weights) cannot change item k's outcome.
  private settled(k: number, outstanding: number): boolean {
    const tally = this.tallies[k];
    switch (this.options.aggregate) {
      case "majority": {
        let votes = 0;
        for (const c of tally) votes += c;
        // Some answer keeps its majority even if every outstanding vote goes elsewhere...
        for (const c of tally) if (2 * c > votes + outstanding) return true;
        // ...or no answer can reach one even if every outstanding vote goes to it.
        for (const c of tally) if (2 * c + outstanding > votes) return false;
        return true;
      }
      case "plurality":
        return lead(tally, tally) > outstanding;
      case "weighted":
        // One vote moves the gap between two answers by at most MAX_WEIGHT.
        return lead(this.weights[k], tally) > outstanding * MAX_WEIGHT;
    }
  }

  private aggregate(k: number): number {
    switch (this.options.aggregate) {
      case "majority":
        return majority(this.tallies[k]);
      case "plurality":
        return this.best(this.tallies[k], this.tallies[k]);
      case "weighted":
        return this.best(this.weights[k], this.tallies[k]);
    }
  }

  // The answer with the highest score among those somebody voted for, ties at random.
  private best(score: readonly number[], tally: readonly number[]): number {
    let top = Number.NEGATIVE_INFINITY;
    for (let a = 0; a < score.length; a++) if (tally[a] > 0 && score[a] > top) top = score[a];
    if (top === Number.NEGATIVE_INFINITY) return -1;
    const tied: number[] = [];
    for (let a = 0; a < score.length; a++) if (tally[a] > 0 && score[a] === top) tied.push(a);
    // Always draw, so the stream advances the same way whether or not there is a tie.
    const pick = this.tiebreak.int(tied.length);
    return tied[pick];
  }
}

// How far the leading voted answer is ahead of every other answer (an answer
// nobody voted for yet counts as 0: its first vote would start it there).
function lead(score: readonly number[], tally: readonly number[]): number {
  let leader = -1;
  for (let a = 0; a < score.length; a++)
    if (tally[a] > 0 && (leader < 0 || score[a] > score[leader])) leader = a;
  if (leader < 0) return Number.NEGATIVE_INFINITY;
  let rival = Number.NEGATIVE_INFINITY;
  for (let a = 0; a < score.length; a++)
    if (a !== leader) rival = Math.max(rival, tally[a] > 0 ? score[a] : 0);
  return score[leader] - rival;
}

function clip(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

/** The answer with more than half of the votes cast, or -1 if there is none. */
export function majority(tally: readonly number[]): number {
  let votes = 0;
  for (const c of tally) votes += c;
  for (let a = 0; a < tally.length; a++) if (2 * tally[a] > votes) return a;
  return -1;
}

// Hedged requests on a work graph: every agent does the whole graph alone, the
// first to finish wins and the team takes its results; it tells the others to
// stop, and they abandon the call they have in flight.
class Hedging implements Protocol {
  private readonly results: Int8Array[] = [];
  private readonly handles: (CallHandle | null)[];
  private readonly stopped: boolean[];
  // First writer wins: the commit of the team's result is atomic, so a second
  // finisher (before the winner's "done" reaches it) commits nothing.
  private committed = false;

  constructor(private readonly ctx: ProtocolContext) {
    const n = ctx.agents.length;
    const size = workGraphOf(ctx).size;
    for (let i = 0; i < n; i++) this.results.push(new Int8Array(size));
    this.handles = new Array(n).fill(null);
    this.stopped = new Array(n).fill(false);
  }

  start(): void {
    for (const agent of this.ctx.agents) {
      this.ctx.net.register(agent.id, () => this.onDone(agent));
      this.work(agent, 0);
    }
  }

  private work(agent: MockLLM, position: number): void {
    if (this.stopped[agent.index]) return;
    const graph = workGraphOf(this.ctx);
    const index = graph.order[position];
    if (index === undefined) {
      this.finish(agent);
      return;
    }
    executeSubtask(
      this.ctx,
      agent,
      graph.subtasks[index],
      (o) => {
        this.handles[agent.index] = null;
        if (!o.ok) return;
        this.results[agent.index][index] = o.correct ? 0 : 1;
        this.work(agent, position + 1);
      },
      // Keep the handle of the call in flight: a losing agent abandons it.
      { onCall: (h) => (this.handles[agent.index] = h) },
    );
  }

  private finish(winner: MockLLM): void {
    if (this.committed) return;
    this.committed = true;
    const { history, sim, net, agents } = this.ctx;
    const results = this.results[winner.index];
    for (let index = 0; index < results.length; index++) {
      history.propose(index, results[index]);
      history.decide(index, winner.id, results[index], sim.now);
    }
    for (const other of agents) {
      if (other === winner || !other.isAlive) continue;
      net.send(winner.id, other.id, "done", null, CONTROL_TOKENS);
    }
  }

  private onDone(agent: MockLLM): void {
    this.stopped[agent.index] = true;
    const h = this.handles[agent.index];
    if (h !== null) h.cancel();
    this.handles[agent.index] = null;
  }
}

/** `independent`: n agents answer independently (votes by majority, plurality or weight), or race on a work graph. */
export const independent: ProtocolModule<typeof schema> = {
  name: "independent",
  summary:
    "n agents answer independently; votes aggregated by majority, plurality or confidence weight; on work graphs, a hedged race",
  schema,
  tasks: ["questions", "workgraph"],
  create: (ctx, options) =>
    ctx.task.kind === "questions" ? new Independent(ctx, options) : new Hedging(ctx),
};
