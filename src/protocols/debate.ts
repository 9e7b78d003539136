import { z } from "zod";
import type { MockLLM } from "../agents/MockLLM.js";
import type { RandomStream } from "../core/Rng.js";
import type { SimEvent } from "../core/Simulation.js";
import type { Message } from "../net/Network.js";
import { COORDINATOR, majority } from "./independent.js";
import type { Protocol, ProtocolContext, ProtocolModule } from "./Protocol.js";
import { questionsOf } from "./taskOf.js";

const prob = z.number().min(0).max(1);

const schema = z.strictObject({
  protocol: z.literal("debate"),
  /** Debate rounds after the independent first answer (0: plain independent voting). */
  rounds: z.number().int().min(0).default(2),
  /** Per round, probability of adopting the most common answer among the peers. */
  conformity: prob.default(0.3),
  /** Per round, probability of adopting a uniformly random peer's answer (checked first). */
  sycophancy: prob.default(0),
  /**
   * How the coordinator combines the final answers. majority: more than half of
   * them, else no answer; plurality: the most common, ties at random.
   */
  aggregate: z.enum(["majority", "plurality"]).default("majority"),
  /**
   * Seconds an agent waits for its peers' answers in a round before it goes on
   * with those it has; null: wait until every live peer's answer is in (a lost
   * message then stalls the debate).
   */
  round_timeout_s: z.number().positive().nullable().default(null),
});

type Options = z.output<typeof schema>;

interface AnswerPayload {
  item: number;
  /** The round whose call this answer feeds (1..R). */
  round: number;
  /** -1: the sender has no answer (its first call failed). */
  answer: number;
}

interface FinalPayload {
  item: number;
  answer: number;
}

interface Heard {
  answer: number;
  tokens: number;
}

// Where agent i is: the item it debates, the round whose peer answers it awaits
// (0 while its first call runs), its current answer and context.
interface AgentState {
  item: number;
  round: number;
  waiting: boolean;
  answer: number;
  /** Output tokens of its last call: the size of the answer it sends. */
  lastOutputTokens: number;
  /** Tokens of every peer answer it has read on this item (its growing context). */
  contextTokens: number;
  /** The round timeout while it waits, if any. */
  timer: SimEvent | null;
}

// Multi-agent debate (Du et al. 2023): every agent answers; then, in R synchronous
// rounds, every agent sends its answer to every other, reads all of theirs (its
// prompt grows with each round) and keeps its answer or switches under social
// pressure. A coordinator (not an LLM) collects the final answers and decides.
class Debate implements Protocol {
  private readonly n: number;
  private readonly state: AgentState[] = [];
  /** inbox[i]: (item, round) key -> what agent i heard from each peer. */
  private readonly inbox: Map<number, (Heard | undefined)[]>[] = [];
  private readonly dead: boolean[];
  private readonly streams: RandomStream[] = [];
  private readonly tiebreak: RandomStream;
  private readonly finals: Int32Array[] = [];
  private readonly responded: Uint8Array[] = [];
  private readonly decided: boolean[] = [];
  private readonly roundsRun: Int32Array;

  constructor(
    private readonly ctx: ProtocolContext,
    private readonly options: Options,
  ) {
    this.n = ctx.agents.length;
    this.dead = new Array(this.n).fill(false);
    this.tiebreak = ctx.rng.stream("protocol/debate/tiebreak");
    const items = questionsOf(ctx).items;
    this.roundsRun = new Int32Array(items.length);
    for (let i = 0; i < this.n; i++) {
      this.state.push({
        item: 0,
        round: 0,
        waiting: false,
        answer: -1,
        lastOutputTokens: 0,
        contextTokens: 0,
        timer: null,
      });
      this.inbox.push(new Map());
      this.streams.push(ctx.rng.stream(`agent/${i}/debate`));
    }
    for (let k = 0; k < items.length; k++) {
      this.finals.push(new Int32Array(this.n).fill(-1));
      this.responded.push(new Uint8Array(this.n));
      this.decided.push(false);
    }
  }

  start(): void {
    const { net, agents } = this.ctx;
    net.register(COORDINATOR, (msg) => this.onFinal(msg));
    for (const agent of agents) {
      net.register(agent.id, (msg) => this.onAnswer(agent, msg));
      agent.onCrash((a) => this.onCrash(a));
    }
    for (const agent of agents) this.begin(agent, 0);
  }

  private key(item: number, round: number): number {
    return item * (this.options.rounds + 1) + round;
  }

  // Round 0 of item k: the agent's own answer, as in independent voting.
  private begin(agent: MockLLM, k: number): void {
    const item = questionsOf(this.ctx).items[k];
    if (item === undefined) return;
    const s = this.state[agent.index];
    s.item = k;
    s.round = 0;
    s.waiting = false;
    s.contextTokens = 0;
    agent.call(
      {
        inputTokens: item.promptTokens,
        pRef: item.pRef,
        choices: item.choices,
        label: `${k}/r0`,
      },
      (r) => {
        if (r.error === "crashed") return;
        if (r.ok) this.ctx.history.propose(k, r.answer);
        s.answer = r.ok ? r.answer : -1;
        s.lastOutputTokens = r.outputTokens;
        this.afterRound(agent, 0);
      },
    );
  }

  // Round r is done for this agent: share its answer for round r+1, or hand in the final one.
  private afterRound(agent: MockLLM, r: number): void {
    const s = this.state[agent.index];
    const k = s.item;
    if (r > 0 && r > this.roundsRun[k]) {
      this.ctx.counters.rounds += r - this.roundsRun[k];
      this.roundsRun[k] = r;
    }
    if (r === this.options.rounds) {
      const payload: FinalPayload = { item: k, answer: s.answer };
      this.ctx.net.send(agent.id, COORDINATOR, "final", payload, s.lastOutputTokens);
      this.begin(agent, k + 1);
      return;
    }
    const payload: AnswerPayload = { item: k, round: r + 1, answer: s.answer };
    for (const peer of this.ctx.agents) {
      if (peer === agent || this.dead[peer.index]) continue;
      this.ctx.net.send(agent.id, peer.id, "answer", payload, s.lastOutputTokens);
    }
    s.round = r + 1;
    s.waiting = true;
    const timeout = this.options.round_timeout_s;
    if (timeout !== null) s.timer = this.ctx.sim.schedule(timeout, () => this.proceed(agent, true));
    this.proceed(agent, false);
  }

  private onAnswer(agent: MockLLM, msg: Message): void {
    const { item, round, answer } = msg.payload as AnswerPayload;
    const from = Number(msg.from.slice("agent-".length));
    const s = this.state[agent.index];
    // A late answer for a round this agent has already left (or timed out of) is of no use to it.
    const current = s.waiting ? s.round : s.round + 1;
    if (item < s.item || (item === s.item && round < current)) return;
    const key = this.key(item, round);
    let heard = this.inbox[agent.index].get(key);
    if (heard === undefined) {
      heard = new Array(this.n).fill(undefined);
      this.inbox[agent.index].set(key, heard);
    }
    if (heard[from] !== undefined) return;
    heard[from] = { answer, tokens: msg.tokens };
    if (item === s.item && round === s.round) this.proceed(agent, false);
  }

  private onCrash(agent: MockLLM): void {
    this.dead[agent.index] = true;
    const own = this.state[agent.index];
    if (own.timer !== null) this.ctx.sim.cancel(own.timer);
    own.timer = null;
    // Peers stop waiting for it, and the coordinator stops expecting its final answers.
    for (const peer of this.ctx.agents) if (!this.dead[peer.index]) this.proceed(peer, false);
    for (let k = 0; k < this.decided.length; k++) if (!this.decided[k]) this.tryDecide(k);
  }

  // Once every live peer's answer for this round is in (or the round timed out):
  // read them all and answer again.
  private proceed(agent: MockLLM, timedOut: boolean): void {
    const s = this.state[agent.index];
    if (!s.waiting || !agent.isAlive) return;
    const key = this.key(s.item, s.round);
    const heard = this.inbox[agent.index].get(key);
    if (!timedOut) {
      for (let j = 0; j < this.n; j++) {
        if (j !== agent.index && !this.dead[j] && heard?.[j] === undefined) return;
      }
    }
    s.waiting = false;
    if (s.timer !== null) this.ctx.sim.cancel(s.timer);
    s.timer = null;
    this.inbox[agent.index].delete(key);
    const peers: number[] = [];
    if (heard !== undefined) {
      for (const h of heard) {
        if (h === undefined) continue;
        s.contextTokens += h.tokens;
        if (h.answer >= 0) peers.push(h.answer);
      }
    }
    const item = questionsOf(this.ctx).items[s.item];
    const r = s.round;
    const next = this.revise(agent.index, s.answer, peers, item.choices);
    agent.call(
      { inputTokens: item.promptTokens + s.contextTokens, label: `${s.item}/r${r}` },
      (res) => {
        if (res.error === "crashed") return;
        // A failed call leaves the agent with the answer it had.
        if (res.ok) s.answer = next;
        s.lastOutputTokens = res.outputTokens;
        this.afterRound(agent, r);
      },
    );
  }

  // Keep or switch, with four draws every time so an agent's stream stays aligned.
  private revise(i: number, own: number, peers: readonly number[], choices: number): number {
    const rng = this.streams[i];
    const uSycophancy = rng.next();
    const uConformity = rng.next();
    const uTie = rng.next();
    const uPeer = rng.next();
    if (peers.length === 0) return own;
    if (uSycophancy < this.options.sycophancy) return peers[Math.floor(uPeer * peers.length)];
    if (uConformity < this.options.conformity) {
      const tally = new Array(choices).fill(0);
      for (const a of peers) tally[a]++;
      const tied = mostCommon(tally);
      return tied[Math.floor(uTie * tied.length)];
    }
    return own;
  }

  private onFinal(msg: Message): void {
    const { item, answer } = msg.payload as FinalPayload;
    const from = Number(msg.from.slice("agent-".length));
    if (this.decided[item] || this.responded[item][from]) return;
    this.responded[item][from] = 1;
    this.finals[item][from] = answer;
    this.tryDecide(item);
  }

  private tryDecide(k: number): void {
    const responded = this.responded[k];
    let any = false;
    for (let i = 0; i < this.n; i++) {
      if (responded[i]) any = true;
      else if (!this.dead[i]) return;
    }
    // Nobody left to answer and nobody answered: the item stays undecided.
    if (!any) return;
    this.decided[k] = true;
    const tally = new Array(questionsOf(this.ctx).items[k].choices).fill(0);
    for (const a of this.finals[k]) if (a >= 0) tally[a]++;
    let answer: number;
    if (this.options.aggregate === "majority") {
      answer = majority(tally);
    } else {
      const tied = mostCommon(tally);
      // Always draw, so the stream advances the same way whether or not there is a tie.
      const pick = this.tiebreak.int(tied.length);
      answer = tally[tied[0]] > 0 ? tied[pick] : -1;
    }
    this.ctx.history.decide(k, COORDINATOR, answer, this.ctx.sim.now);
    if (this.ctx.trace.enabled) {
      this.ctx.trace.record({
        t: this.ctx.sim.now,
        type: "decide",
        node: COORDINATOR,
        item: k,
        answer,
        tally,
      });
    }
  }
}

// The answers with the highest count, in increasing order.
function mostCommon(tally: readonly number[]): number[] {
  let best = 0;
  for (const c of tally) if (c > best) best = c;
  const tied: number[] = [];
  for (let a = 0; a < tally.length; a++) if (tally[a] === best) tied.push(a);
  return tied;
}

/** `debate`: agents answer, then revise over R all-to-all rounds; a coordinator takes the vote. */
export const debate: ProtocolModule<typeof schema> = {
  name: "debate",
  summary:
    "agents answer, then exchange answers all-to-all for R synchronous rounds, conforming or deferring to peers; final vote",
  schema,
  tasks: ["questions"],
  create: (ctx, options) => new Debate(ctx, options),
};
