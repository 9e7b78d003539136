import { z } from "zod";
import type { MockLLM } from "../agents/MockLLM.js";
import type { RandomStream } from "../core/Rng.js";
import type { Message } from "../net/Network.js";
import type { Protocol, ProtocolContext, ProtocolModule } from "./Protocol.js";
import { questionsOf } from "./taskOf.js";

const schema = z.strictObject({
  protocol: z.literal("gossip"),
  /** Length of one synchronous gossip round (s): every live agent starts one push-pull per round. */
  round_s: z.number().positive().default(1),
  /**
   * rounds: every agent gossips exactly `rounds` rounds per item, then decides;
   * converged: an agent decides once its known set has not changed for
   * `quiet_rounds` rounds and it knows the entries of a majority of the team
   * (floor(n/2) + 1), and gives up on the item (no decision) after `max_rounds`.
   */
  until: z.enum(["rounds", "converged"]).default("rounds"),
  /** Gossip rounds per item with `until: rounds`; default ceil(log2 n) + 3, i.e. O(log n). */
  rounds: z.number().int().min(1).optional(),
  /** With `until: converged`: rounds without news before an agent decides. */
  quiet_rounds: z.number().int().min(1).default(3),
  /** With `until: converged`: an agent that has not converged after this many rounds gives up. */
  max_rounds: z.number().int().min(1).default(30),
});

type Options = z.output<typeof schema>;

/** Size of one vote {agent -> answer} inside a gossip message (tokens). */
export const VOTE_TOKENS = 5;

// Entries of an agent's known set: an answer >= 0, "abstained" (its call
// failed), or not known yet.
const ABSTAIN = -1;
const UNKNOWN = -2;

/** The default number of rounds for n agents: ceil(log2 n) + 3. */
export function defaultRounds(n: number): number {
  return Math.ceil(Math.log2(Math.max(1, n))) + 3;
}

interface GossipPayload {
  item: number;
  /** votes[j] = what the sender says agent j answered (UNKNOWN if it does not know). */
  votes: Int32Array;
}

/** One item's gossip: who takes part, where each agent stands, what each knows. */
interface ItemState {
  /** known[i][j]: agent i's value for agent j's vote. */
  known: Int32Array[];
  /** count[i]: entries agent i knows. */
  count: number[];
  /** The agent's LLM call on this item has returned (it has its own entry). */
  answered: Uint8Array;
  /** Gossip started (every live agent answered). */
  started: boolean;
  /** The agent has left the item's gossip (decided or gave up); it still answers pushes. */
  finished: Uint8Array;
  /** Rounds in a row without news but with proof of being in sync (see endRound). */
  quiet: number[];
  lastCount: number[];
  /** In this round the agent had an exchange in which both sides knew the same agents' votes. */
  synced: Uint8Array;
  /** Rounds until every live participant knew every entry any of them knew (-1: not yet). */
  fullAt: number;
  /** Rounds until every live participant knew the lowest participant's entry: one rumor (-1: not yet). */
  rumorAt: number;
  /** Answers an equivocating agent has sent (to record them as its proposals once). */
  forged: Set<number>;
}

// Push-pull epidemic aggregation (Demers et al. 1987; Karp et al. 2000), one
// item after another. Every agent answers the item with an LLM call; gossip
// starts when every live agent has answered (the synchronous model's round
// barrier: as in `independent`, crashes are detected perfectly, so a crashed
// agent does not hold it up). Then in each round every agent sends its known
// votes to a peer drawn uniformly from the others, the peer replies with its own
// known votes and both merge (keeping the first value heard for each agent).
// Each agent then decides the plurality of the votes it knows. An agent goes on
// to the next item as soon as it leaves the current one, and keeps answering
// pushes about items it has left. Byzantine agents: always-wrong (its model
// answers wrong) and silent or delaying (the network drops or delays what it
// sends) need nothing here; an equivocating agent tells each peer a fresh random
// answer for its own vote (and relays the others' votes honestly). The trace
// gets `gossip_rumor` and `gossip_full` events (rounds until one vote, or every
// vote, had reached every live agent) to measure dissemination.
class Gossip implements Protocol {
  private readonly n: number;
  private readonly items: ItemState[] = [];
  /** Agents taking part: alive since the start (a crashed agent stays out, even if it recovers). */
  private readonly active: boolean[];
  private readonly peers: RandomStream[];
  private readonly forge: RandomStream[];
  /** A common coin per item, shared by all agents, so equal known sets break ties equally. */
  private readonly coin: number[] = [];
  private readonly rounds: number;
  private readonly majority: number;
  private readonly equivocating: boolean[];
  /** The lowest item whose gossip has not started (items start in order). */
  private next = 0;

  constructor(
    private readonly ctx: ProtocolContext,
    private readonly options: Options,
  ) {
    this.n = ctx.agents.length;
    this.active = new Array(this.n).fill(true);
    this.rounds = options.rounds ?? defaultRounds(this.n);
    this.majority = Math.floor(this.n / 2) + 1;
    this.peers = ctx.agents.map((a) => ctx.rng.stream(`agent/${a.index}/gossip`));
    this.forge = ctx.agents.map((a) => ctx.rng.stream(`agent/${a.index}/equivocate`));
    this.equivocating = ctx.agents.map((a) => ctx.byzantine.get(a.id) === "equivocating");
    const tiebreak = ctx.rng.stream("protocol/gossip/tiebreak");
    for (const _ of questionsOf(ctx).items) this.coin.push(tiebreak.next());
  }

  start(): void {
    const { agents, net } = this.ctx;
    for (const agent of agents) {
      net.register(agent.id, (msg) => this.onMessage(agent, msg));
      agent.onCrash((a) => this.onCrash(a));
    }
    for (const agent of agents) this.answer(agent, 0);
  }

  private item(k: number): ItemState {
    let s = this.items[k];
    if (s === undefined) {
      const n = this.n;
      s = {
        known: Array.from({ length: n }, () => new Int32Array(n).fill(UNKNOWN)),
        count: new Array(n).fill(0),
        answered: new Uint8Array(n),
        started: false,
        finished: new Uint8Array(n),
        quiet: new Array(n).fill(0),
        lastCount: new Array(n).fill(0),
        synced: new Uint8Array(n),
        fullAt: -1,
        rumorAt: -1,
        forged: new Set(),
      };
      this.items[k] = s;
    }
    return s;
  }

  private answer(agent: MockLLM, k: number): void {
    const { history, sim } = this.ctx;
    const q = questionsOf(this.ctx).items[k];
    if (q === undefined || !this.active[agent.index]) return;
    history.open(k, sim.now);
    agent.call({ inputTokens: q.promptTokens, pRef: q.pRef, choices: q.choices, label: k }, (r) => {
      if (r.error === "crashed") return;
      if (r.ok) history.propose(k, r.answer);
      const s = this.item(k);
      const own = r.ok ? r.answer : ABSTAIN;
      s.known[agent.index][agent.index] = own;
      s.count[agent.index] = 1;
      s.answered[agent.index] = 1;
      this.tryStart();
    });
  }

  private onCrash(agent: MockLLM): void {
    this.active[agent.index] = false;
    this.tryStart();
  }

  // Round barrier: item `next` starts gossiping once every live agent has answered it.
  private tryStart(): void {
    const k = this.next;
    const s = this.items[k];
    if (s === undefined || s.started) return;
    let participants = 0;
    for (let i = 0; i < this.n; i++) {
      if (!this.active[i]) continue;
      if (!s.answered[i]) return;
      participants++;
    }
    if (participants === 0) return;
    s.started = true;
    this.next++;
    this.tick(k, 0);
  }

  private gossiping(s: ItemState, i: number): boolean {
    return this.active[i] && s.answered[i] === 1 && s.finished[i] === 0;
  }

  // Round boundary r of item k: end round r-1 (decide, give up), then start round r.
  private tick(k: number, r: number): void {
    const s = this.item(k);
    if (r > 0) {
      for (let i = 0; i < this.n; i++) if (this.gossiping(s, i)) this.endRound(k, s, i, r);
    }
    this.checkFull(k, s, r);
    let any = false;
    for (let i = 0; i < this.n; i++) {
      if (!this.gossiping(s, i)) continue;
      any = true;
      this.push(k, s, i);
    }
    if (!any) return;
    this.ctx.counters.rounds++;
    this.ctx.sim.schedule(this.options.round_s, () => this.tick(k, r + 1));
  }

  private endRound(k: number, s: ItemState, i: number, r: number): void {
    if (this.options.until === "rounds") {
      if (r >= this.rounds) this.finish(k, s, i, true);
      return;
    }
    // A round counts as quiet only if it brought no news AND the agent met a peer
    // that knew exactly the same votes: a round whose messages were all lost (or
    // went to crashed peers) proves nothing and leaves the count where it was.
    if (s.count[i] !== s.lastCount[i]) s.quiet[i] = 0;
    else if (s.synced[i]) s.quiet[i]++;
    s.lastCount[i] = s.count[i];
    s.synced[i] = 0;
    if (s.quiet[i] >= this.options.quiet_rounds && s.count[i] >= this.majority) {
      this.finish(k, s, i, true);
    } else if (r >= this.options.max_rounds) {
      this.finish(k, s, i, false);
    }
  }

  private finish(k: number, s: ItemState, i: number, decide: boolean): void {
    s.finished[i] = 1;
    const agent = this.ctx.agents[i];
    if (decide) {
      const answer = plurality(s.known[i], this.coin[k]);
      this.ctx.history.decide(k, agent.id, answer, this.ctx.sim.now);
      if (this.ctx.trace.enabled) {
        this.ctx.trace.record({
          t: this.ctx.sim.now,
          type: "decide",
          node: agent.id,
          item: k,
          answer,
          known: s.count[i],
        });
      }
    }
    this.answer(agent, k + 1);
  }

  // Measurements, not part of the protocol: the first round boundary at which
  // every live participant knows every entry that any of them knows (all-to-all
  // dissemination), and at which they all know the lowest participant's entry
  // (one rumor, the case of Karp et al.'s log3(n) + O(log log n) bound).
  private checkFull(k: number, s: ItemState, r: number): void {
    if (s.fullAt >= 0) return;
    const union = new Uint8Array(this.n);
    let first = -1;
    for (let i = 0; i < this.n; i++) {
      if (!this.active[i] || !s.answered[i]) continue;
      if (first < 0) first = i;
      const row = s.known[i];
      for (let j = 0; j < this.n; j++) if (row[j] !== UNKNOWN) union[j] = 1;
    }
    let size = 0;
    for (const u of union) size += u;
    let full = true;
    let rumor = true;
    for (let i = 0; i < this.n; i++) {
      if (!this.active[i] || !s.answered[i]) continue;
      if (s.count[i] !== size) full = false;
      if (s.known[i][first] === UNKNOWN) rumor = false;
    }
    const trace = this.ctx.trace;
    if (rumor && s.rumorAt < 0) {
      s.rumorAt = r;
      if (trace.enabled)
        trace.record({ t: this.ctx.sim.now, type: "gossip_rumor", item: k, round: r });
    }
    if (!full) return;
    s.fullAt = r;
    if (trace.enabled)
      trace.record({ t: this.ctx.sim.now, type: "gossip_full", item: k, round: r });
  }

  private push(k: number, s: ItemState, i: number): void {
    if (this.n < 2) return;
    // One draw per round: a peer uniform over the other n-1 agents (it cannot know who crashed).
    let peer = this.peers[i].int(this.n - 1);
    if (peer >= i) peer++;
    this.send(k, s, i, peer, "push");
  }

  private send(k: number, s: ItemState, from: number, to: number, kind: string): void {
    const votes = s.known[from].slice();
    if (this.equivocating[from]) {
      // Its own entry differs from message to message; honest agents keep the first they hear.
      const choices = questionsOf(this.ctx).items[k].choices;
      const forged = this.forge[from].int(choices);
      votes[from] = forged;
      if (!s.forged.has(forged)) {
        s.forged.add(forged);
        this.ctx.history.propose(k, forged);
      }
    }
    const payload: GossipPayload = { item: k, votes };
    const { agents, net } = this.ctx;
    net.send(agents[from].id, agents[to].id, kind, payload, VOTE_TOKENS * s.count[from]);
  }

  private onMessage(agent: MockLLM, msg: Message): void {
    const i = agent.index;
    if (!this.active[i]) return;
    const { item: k, votes } = msg.payload as GossipPayload;
    const s = this.items[k];
    if (s === undefined || !s.answered[i]) return;
    if (msg.kind === "push") {
      // Pull: the reply carries what the peer knew before this exchange.
      const from = Number(msg.from.slice("agent-".length));
      this.send(k, s, i, from, "pull");
    }
    if (this.sameVoters(s.known[i], votes)) s.synced[i] = 1;
    this.merge(s, i, votes);
  }

  private sameVoters(mine: Int32Array, theirs: Int32Array): boolean {
    for (let j = 0; j < this.n; j++)
      if ((mine[j] === UNKNOWN) !== (theirs[j] === UNKNOWN)) return false;
    return true;
  }

  private merge(s: ItemState, i: number, votes: Int32Array): void {
    const mine = s.known[i];
    for (let j = 0; j < this.n; j++) {
      if (mine[j] === UNKNOWN && votes[j] !== UNKNOWN) {
        mine[j] = votes[j];
        s.count[i]++;
      }
    }
  }
}

/**
 * The most common answer among `votes` (entries < 0 do not vote); ties go to
 * tied[floor(coin * |tied|)], the tied answers in index order; -1 if nobody voted.
 */
export function plurality(votes: ArrayLike<number>, coin: number): number {
  const tally: number[] = [];
  for (let j = 0; j < votes.length; j++) {
    const v = votes[j];
    if (v >= 0) tally[v] = (tally[v] ?? 0) + 1;
  }
  let top = 0;
  for (const c of tally) if (c !== undefined && c > top) top = c;
  if (top === 0) return -1;
  const tied: number[] = [];
  tally.forEach((c, a) => {
    if (c === top) tied.push(a);
  });
  return tied[Math.floor(coin * tied.length)];
}

/** `gossip`: push-pull epidemic aggregation of the agents' answers, decided by plurality. */
export const gossip: ProtocolModule<typeof schema> = {
  name: "gossip",
  summary:
    "every agent answers, then push-pull gossip rounds spread the votes (O(log n) rounds); each agent decides the plurality it knows",
  schema,
  tasks: ["questions"],
  create: (ctx, options) => new Gossip(ctx, options),
};
