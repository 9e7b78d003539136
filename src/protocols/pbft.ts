import { z } from "zod";
import type { CallHandle } from "../agents/MockLLM.js";
import type { SimEvent } from "../core/Simulation.js";
import type { ByzantineBehaviour } from "../faults/ByzantineBehaviour.js";
import type { Message } from "../net/Network.js";
import type { Protocol, ProtocolContext, ProtocolModule } from "./Protocol.js";
import { questionsOf } from "./taskOf.js";

const schema = z.strictObject({
  protocol: z.literal("pbft"),
  /**
   * Byzantine faults the quorums are sized for (quorum 2f+1); "auto" is the most
   * n agents can tolerate, floor((n-1)/3). Larger values are accepted, so that the
   * 3f+1 bound can be shown from the liveness side (quorums nobody can fill).
   */
  f: z.union([z.number().int().min(0), z.literal("auto")]).default("auto"),
  /**
   * Seconds a replica waits for its next commit before it asks for a view change
   * (longer than an LLM call); the wait doubles (up to 8 times) with every view change
   * that brings no progress.
   */
  view_timeout_s: z.number().positive().default(30),
});

type Options = z.output<typeof schema>;

// Message sizes in tokens: a header (view, sequence number, digest, signature) and,
// for a pre-prepare, the answer it carries.
const HEADER_TOKENS = 24;
const CERT_TOKENS = 4;
const FETCH_TOKENS = 16;
// The view-change timer grows at most to this multiple of view_timeout_s.
const MAX_BACKOFF = 8;

/** A prepared certificate: the replica saw `answer` (first proposed in view `origin`) prepared at `seq` in `view`. */
interface Cert {
  seq: number;
  view: number;
  origin: number;
  answer: number;
  /** Output tokens of the answer (the size of a pre-prepare that re-proposes it). */
  tokens: number;
}

interface PrePreparePayload {
  view: number;
  seq: number;
  origin: number;
  answer: number;
  tokens: number;
}

interface VotePayload {
  view: number;
  seq: number;
  digest: string;
}

interface ViewChangePayload {
  view: number;
  from: number;
  /** The sender's first unexecuted sequence number. */
  nextExec: number;
  /** Every prepared certificate of the sender (no checkpoints, so no garbage collection). */
  certs: Cert[];
  tokens: number;
}

interface NewViewPayload {
  view: number;
  /** The 2f+1 view-change messages the new primary acts on; replicas recompute its plan from them. */
  vcs: ViewChangePayload[];
}

interface StatePayload {
  entries: { seq: number; digest: string }[];
}

// One (view, seq) slot of a replica's message log.
interface Slot {
  /** The pre-prepare as offered, kept until the replica is in its view to check it. */
  offer: PrePreparePayload | null;
  offerFrom: number;
  /** Digest of the accepted pre-prepare. */
  pp: string | null;
  answer: number;
  origin: number;
  tokens: number;
  prepares: Map<number, string>;
  commits: Map<number, string>;
  prepared: boolean;
  committed: boolean;
}

// What a NEW-VIEW obliges the new primary to re-propose: from `low` on, the
// highest-view prepared value of every sequence number that has one.
interface ViewPlan {
  low: number;
  carried: Map<number, Cert>;
}

interface Replica {
  view: number;
  /** In a view change towards `target` (no longer accepting messages of `view`). */
  changing: boolean;
  target: number;
  nextExec: number;
  slots: Map<number, Map<number, Slot>>;
  certs: (Cert | undefined)[];
  /** Digest to execute at each seq, once committed (or learned from f+1 replicas). */
  ready: (string | undefined)[];
  executed: string[];
  vcs: Map<number, Map<number, ViewChangePayload>>;
  /** Highest view each peer asked to change to. */
  latestVc: Map<number, number>;
  plans: Map<number, ViewPlan>;
  /** NEW-VIEW messages this replica sent as primary, by view (resent to replicas that missed them). */
  newViews: Map<number, NewViewPayload>;
  reports: Map<number, Map<number, string>>;
  timer: SimEvent | null;
  backoff: number;
  /** As primary: the seq being proposed (-1: none). */
  proposing: number;
  call: CallHandle | null;
}

const digestOf = (origin: number, answer: number) => `${origin}:${answer}`;
const answerOf = (digest: string) => Number(digest.slice(digest.indexOf(":") + 1));
const originOf = (digest: string) => Number(digest.slice(0, digest.indexOf(":")));

// PBFT (Castro & Liskov 1999) over the items of a question set: item k is
// sequence number k. The primary of view v (agent v mod n) answers it with an LLM
// call and multicasts PRE-PREPARE; replicas multicast PREPARE, then, once prepared
// (pre-prepare + 2f matching prepares), COMMIT; 2f+1 matching commits commit it,
// executed in sequence order. Replicas that see no commit for view_timeout_s ask
// for a view change, carrying their prepared certificates; the new primary
// re-proposes the highest-view prepared value of each pending seq. A replica that
// fell behind learns executed entries from f+1 matching state replies.
class Pbft implements Protocol {
  private readonly n: number;
  private readonly f: number;
  private readonly items: number;
  private readonly replicas: Replica[] = [];
  private readonly behaviour: (ByzantineBehaviour | null)[];
  private halted = false;

  constructor(
    private readonly ctx: ProtocolContext,
    private readonly options: Options,
  ) {
    this.n = ctx.agents.length;
    this.f = options.f === "auto" ? Math.floor((this.n - 1) / 3) : options.f;
    this.items = questionsOf(ctx).size;
    this.behaviour = ctx.agents.map((a) => ctx.byzantine.get(a.id) ?? null);
    for (let i = 0; i < this.n; i++) {
      this.replicas.push({
        view: 0,
        changing: false,
        target: 0,
        nextExec: 0,
        slots: new Map(),
        certs: [],
        ready: [],
        executed: [],
        vcs: new Map(),
        latestVc: new Map(),
        plans: new Map([[0, { low: 0, carried: new Map() }]]),
        newViews: new Map(),
        reports: new Map(),
        timer: null,
        backoff: 0,
        proposing: -1,
        call: null,
      });
    }
  }

  start(): void {
    const { agents, net, history, sim } = this.ctx;
    for (const agent of agents) {
      net.register(agent.id, (msg) => this.onMessage(agent.index, msg));
      agent.onCrash((a) => this.onCrash(a.index));
    }
    history.elect(0, this.id(0), sim.now);
    for (let i = 0; i < this.n; i++) {
      if (this.silent(i) || !agents[i].isAlive) continue;
      this.resetTimer(i);
    }
    if (!this.silent(0) && agents[0].isAlive) this.propose(0, 0);
  }

  private id(i: number): string {
    return this.ctx.agents[i].id;
  }

  private primary(view: number): number {
    return view % this.n;
  }

  private silent(i: number): boolean {
    return this.behaviour[i] === "silent";
  }

  private alive(i: number): boolean {
    return this.ctx.agents[i].isAlive;
  }

  private choices(seq: number): number {
    return questionsOf(this.ctx).items[seq].choices;
  }

  private send(i: number, j: number, kind: string, payload: unknown, tokens: number): void {
    this.ctx.net.send(this.id(i), this.id(j), kind, payload, tokens);
  }

  // Sends to every other replica; `payloadFor` gets the peer's rank among them
  // (what an equivocator varies its message by).
  private broadcast(
    i: number,
    kind: string,
    payloadFor: (rank: number) => unknown,
    tokens: number,
  ): void {
    let rank = 0;
    for (let j = 0; j < this.n; j++) {
      if (j === i) continue;
      this.send(i, j, kind, payloadFor(rank), tokens);
      rank++;
    }
  }

  // The answer a replica puts in its prepare or commit to the peer of `rank`.
  private shape(i: number, seq: number, answer: number, rank: number): number {
    switch (this.behaviour[i]) {
      case "always-wrong":
        return answer === 0 ? 1 : answer;
      case "equivocating":
        return (answer + rank) % this.choices(seq);
      default:
        return answer;
    }
  }

  private slot(r: Replica, view: number, seq: number): Slot {
    let byView = r.slots.get(view);
    if (byView === undefined) {
      byView = new Map();
      r.slots.set(view, byView);
    }
    let s = byView.get(seq);
    if (s === undefined) {
      s = {
        offer: null,
        offerFrom: -1,
        pp: null,
        answer: -1,
        origin: -1,
        tokens: 0,
        prepares: new Map(),
        commits: new Map(),
        prepared: false,
        committed: false,
      };
      byView.set(seq, s);
    }
    return s;
  }

  private onMessage(i: number, msg: Message): void {
    if (this.silent(i) || !this.alive(i)) return;
    const r = this.replicas[i];
    const from = Number(msg.from.slice("agent-".length));
    // A replica back from a crash has no timer: the first message it gets restarts it.
    if (r.timer === null && !this.halted && r.nextExec < this.items) this.resetTimer(i);
    switch (msg.kind) {
      case "pre-prepare":
        this.onPrePrepare(i, from, msg.payload as PrePreparePayload);
        break;
      case "prepare":
      case "commit":
        this.onVote(i, from, msg.kind, msg.payload as VotePayload);
        break;
      case "view-change":
        this.onViewChange(i, from, msg.payload as ViewChangePayload);
        break;
      case "new-view":
        this.onNewView(i, from, msg.payload as NewViewPayload);
        break;
      case "fetch":
        this.onFetch(i, from, msg.payload as { from: number });
        break;
      case "state":
        this.onState(i, from, msg.payload as StatePayload);
        break;
    }
  }

  // The view whose messages a replica still takes: its view, or the one it is changing to.
  private horizonView(r: Replica): number {
    return r.changing ? r.target : r.view;
  }

  private inView(r: Replica, view: number): boolean {
    return !r.changing && r.view === view;
  }

  // --- normal case -------------------------------------------------------

  private propose(i: number, seq: number): void {
    const r = this.replicas[i];
    const view = r.view;
    r.proposing = seq;
    if (seq >= this.items || this.halted) return;
    const plan = r.plans.get(view);
    const carried = plan?.carried.get(seq);
    if (carried !== undefined) {
      this.sendPrePrepare(i, view, seq, carried.origin, carried.answer, carried.tokens);
      return;
    }
    const { history, sim } = this.ctx;
    const item = questionsOf(this.ctx).items[seq];
    history.open(seq, sim.now);
    r.call = this.ctx.agents[i].call(
      { inputTokens: item.promptTokens, pRef: item.pRef, choices: item.choices, label: seq },
      (res) => {
        r.call = null;
        if (res.error === "crashed") return;
        if (!this.inView(r, view) || r.proposing !== seq || this.halted) return;
        // A call that gave up after its retries is made again: the primary owes an answer.
        if (!res.ok) {
          this.propose(i, seq);
          return;
        }
        history.propose(seq, res.answer);
        this.sendPrePrepare(i, view, seq, view, res.answer, res.outputTokens);
      },
    );
  }

  private sendPrePrepare(
    i: number,
    view: number,
    seq: number,
    origin: number,
    answer: number,
    tokens: number,
  ): void {
    const r = this.replicas[i];
    const s = this.slot(r, view, seq);
    s.pp = digestOf(origin, answer);
    s.answer = answer;
    s.origin = origin;
    s.tokens = tokens;
    const equivocating = this.behaviour[i] === "equivocating";
    const choices = this.choices(seq);
    this.broadcast(
      i,
      "pre-prepare",
      (rank): PrePreparePayload => ({
        view,
        seq,
        origin,
        answer: equivocating ? (answer + rank) % choices : answer,
        tokens,
      }),
      HEADER_TOKENS + tokens,
    );
    this.checkPrepared(i, view, seq);
    // The order is fixed by the pre-prepare: the primary goes on to the next item
    // while this one's prepares and commits are under way.
    if (r.proposing === seq && this.inView(r, view)) this.propose(i, seq + 1);
  }

  private onPrePrepare(i: number, from: number, p: PrePreparePayload): void {
    const r = this.replicas[i];
    if (p.view < this.horizonView(r) || from !== this.primary(p.view)) return;
    const s = this.slot(r, p.view, p.seq);
    if (s.offer !== null) return;
    s.offer = p;
    s.offerFrom = from;
    if (this.inView(r, p.view)) this.acceptPrePrepare(i, p.view, p.seq);
  }

  // Accepts an offered pre-prepare if it fits the view's plan: a carried seq must
  // carry the carried value, any other must be a fresh value of this view.
  private acceptPrePrepare(i: number, view: number, seq: number): void {
    const r = this.replicas[i];
    const s = this.slot(r, view, seq);
    const p = s.offer;
    if (p === null || s.pp !== null || i === this.primary(view)) return;
    const plan = r.plans.get(view);
    if (plan === undefined || seq < plan.low || seq >= this.items) return;
    const carried = plan.carried.get(seq);
    if (carried !== undefined) {
      if (carried.origin !== p.origin || carried.answer !== p.answer) return;
    } else if (p.origin !== view) {
      return;
    }
    s.pp = digestOf(p.origin, p.answer);
    s.answer = p.answer;
    s.origin = p.origin;
    s.tokens = p.tokens;
    s.prepares.set(i, s.pp);
    this.broadcast(
      i,
      "prepare",
      (rank): VotePayload => ({
        view,
        seq,
        digest: digestOf(p.origin, this.shape(i, seq, p.answer, rank)),
      }),
      HEADER_TOKENS,
    );
    this.checkPrepared(i, view, seq);
  }

  private onVote(i: number, from: number, kind: string, p: VotePayload): void {
    const r = this.replicas[i];
    if (p.view < this.horizonView(r)) return;
    const s = this.slot(r, p.view, p.seq);
    const votes = kind === "prepare" ? s.prepares : s.commits;
    // Only the sender's own (signed) vote counts, and only its first one.
    if (votes.has(from)) return;
    if (kind === "prepare" && from === this.primary(p.view)) return;
    votes.set(from, p.digest);
    if (!this.inView(r, p.view)) return;
    if (kind === "prepare") this.checkPrepared(i, p.view, p.seq);
    else this.checkCommitted(i, p.view, p.seq);
  }

  private count(votes: Map<number, string>, digest: string): number {
    let c = 0;
    for (const d of votes.values()) if (d === digest) c++;
    return c;
  }

  private checkPrepared(i: number, view: number, seq: number): void {
    const r = this.replicas[i];
    const s = this.slot(r, view, seq);
    if (s.pp === null || s.prepared || this.count(s.prepares, s.pp) < 2 * this.f) return;
    s.prepared = true;
    const cert = r.certs[seq];
    if (cert === undefined || cert.view < view) {
      r.certs[seq] = { seq, view, origin: s.origin, answer: s.answer, tokens: s.tokens };
    }
    s.commits.set(i, s.pp);
    this.broadcast(
      i,
      "commit",
      (rank): VotePayload => ({
        view,
        seq,
        digest: digestOf(s.origin, this.shape(i, seq, s.answer, rank)),
      }),
      HEADER_TOKENS,
    );
    this.checkCommitted(i, view, seq);
  }

  private checkCommitted(i: number, view: number, seq: number): void {
    const r = this.replicas[i];
    const s = this.slot(r, view, seq);
    if (s.pp === null || !s.prepared || s.committed) return;
    if (this.count(s.commits, s.pp) < 2 * this.f + 1) return;
    s.committed = true;
    if (r.ready[seq] === undefined) r.ready[seq] = s.pp;
    this.execute(i);
    // A later seq committed while an earlier one is missing (its messages were
    // lost): ask the others for what they executed rather than wait for the timer.
    if (seq > r.nextExec && !this.halted) this.sendFetch(i);
  }

  // Executes ready entries in sequence order; a correct replica's execution is its decision.
  private execute(i: number): void {
    const r = this.replicas[i];
    const { history, sim } = this.ctx;
    const before = r.nextExec;
    while (r.nextExec < this.items) {
      const digest = r.ready[r.nextExec];
      if (digest === undefined) break;
      const seq = r.nextExec;
      r.executed[seq] = digest;
      r.nextExec++;
      if (this.behaviour[i] === null) {
        const answer = answerOf(digest);
        history.commit(this.id(i), seq, originOf(digest), `${seq}:${answer}`, sim.now);
        history.decide(seq, this.id(i), answer, sim.now);
      }
    }
    if (r.nextExec === before) return;
    r.backoff = 0;
    if (r.nextExec >= this.items) {
      this.cancelTimer(i);
      this.checkAllDone();
    } else if (!r.changing) {
      this.resetTimer(i);
    }
  }

  // --- timers and view changes -------------------------------------------

  private cancelTimer(i: number): void {
    const r = this.replicas[i];
    if (r.timer !== null) this.ctx.sim.cancel(r.timer);
    r.timer = null;
  }

  private resetTimer(i: number): void {
    this.cancelTimer(i);
    const r = this.replicas[i];
    if (this.halted || this.silent(i) || !this.alive(i) || r.nextExec >= this.items) return;
    // As in PBFT, the wait doubles with every view change that brought no progress.
    const factor = Math.min(2 ** r.backoff, MAX_BACKOFF);
    r.timer = this.ctx.sim.schedule(this.options.view_timeout_s * factor, () => {
      r.timer = null;
      this.onTimeout(i);
    });
  }

  private onTimeout(i: number): void {
    const r = this.replicas[i];
    if (!this.alive(i) || this.halted) return;
    this.sendFetch(i);
    r.backoff++;
    if (!r.changing) {
      this.startViewChange(i, r.view + 1);
    } else {
      const vcs = r.vcs.get(r.target);
      // A quorum asked for the view and its primary never took it up: try the next one;
      // otherwise the request may have been lost: say it again.
      if (vcs !== undefined && vcs.size >= 2 * this.f + 1) {
        this.startViewChange(i, r.target + 1);
      } else {
        const own = vcs?.get(i);
        if (own !== undefined) this.broadcast(i, "view-change", () => own, own.tokens);
      }
    }
    this.resetTimer(i);
  }

  private startViewChange(i: number, view: number): void {
    const r = this.replicas[i];
    if (view <= this.horizonView(r)) return;
    r.changing = true;
    r.target = view;
    r.proposing = -1;
    if (r.call !== null) r.call.cancel();
    r.call = null;
    const certs: Cert[] = [];
    for (const c of r.certs) if (c !== undefined) certs.push(c);
    const vc: ViewChangePayload = {
      view,
      from: i,
      nextExec: r.nextExec,
      certs,
      tokens: HEADER_TOKENS + CERT_TOKENS * certs.length,
    };
    this.storeViewChange(r, i, vc);
    this.broadcast(i, "view-change", () => vc, vc.tokens);
    this.resetTimer(i);
    this.tryNewView(i, view);
  }

  private storeViewChange(r: Replica, from: number, vc: ViewChangePayload): void {
    let byView = r.vcs.get(vc.view);
    if (byView === undefined) {
      byView = new Map();
      r.vcs.set(vc.view, byView);
    }
    if (!byView.has(from)) byView.set(from, vc);
    if ((r.latestVc.get(from) ?? -1) < vc.view) r.latestVc.set(from, vc.view);
  }

  private onViewChange(i: number, from: number, vc: ViewChangePayload): void {
    const r = this.replicas[i];
    this.storeViewChange(r, from, vc);
    // A replica asking for a view that is already installed missed its NEW-VIEW.
    if (!r.changing && vc.view <= r.view) {
      const nv = r.newViews.get(r.view);
      if (nv !== undefined) this.sendNewView(i, from, nv);
      return;
    }
    // Join rule: f+1 replicas want a later view, so at least one correct one does.
    const mine = this.horizonView(r);
    let ahead = 0;
    let smallest = Number.POSITIVE_INFINITY;
    for (const [j, v] of r.latestVc) {
      if (j === i || v <= mine) continue;
      ahead++;
      smallest = Math.min(smallest, v);
    }
    if (ahead >= this.f + 1) this.startViewChange(i, smallest);
    this.tryNewView(i, vc.view);
  }

  private tryNewView(i: number, view: number): void {
    const r = this.replicas[i];
    if (this.primary(view) !== i || r.newViews.has(view)) return;
    const byView = r.vcs.get(view);
    if (byView === undefined) return;
    const others = [...byView.keys()].filter((j) => j !== i).sort((a, b) => a - b);
    if (others.length < 2 * this.f) return;
    if (!(r.changing && r.target === view)) {
      // startViewChange comes back here with the replica's own view change stored.
      if (view > this.horizonView(r)) this.startViewChange(i, view);
      return;
    }
    const own = byView.get(i) as ViewChangePayload;
    const vcs = [
      own,
      ...others.slice(0, 2 * this.f).map((j) => byView.get(j) as ViewChangePayload),
    ];
    const nv: NewViewPayload = { view, vcs };
    r.newViews.set(view, nv);
    this.ctx.history.elect(view, this.id(i), this.ctx.sim.now);
    for (let j = 0; j < this.n; j++) if (j !== i) this.sendNewView(i, j, nv);
    this.enterView(i, nv);
  }

  private sendNewView(i: number, j: number, nv: NewViewPayload): void {
    let tokens = HEADER_TOKENS;
    for (const vc of nv.vcs) tokens += vc.tokens;
    this.send(i, j, "new-view", nv, tokens);
  }

  private onNewView(i: number, from: number, nv: NewViewPayload): void {
    const r = this.replicas[i];
    if (from !== this.primary(nv.view) || nv.view < this.horizonView(r)) return;
    if (this.inView(r, nv.view)) return;
    // The view changes it rests on are signed by their senders: 2f+1 distinct ones for this view.
    const senders = new Set<number>();
    for (const vc of nv.vcs) if (vc.view === nv.view) senders.add(vc.from);
    if (senders.size < 2 * this.f + 1) return;
    this.enterView(i, nv);
  }

  // The new view's plan, computed by every replica from the view changes themselves.
  private planOf(nv: NewViewPayload): ViewPlan {
    let low = Number.POSITIVE_INFINITY;
    for (const vc of nv.vcs) low = Math.min(low, vc.nextExec);
    const carried = new Map<number, Cert>();
    for (const vc of nv.vcs) {
      for (const c of vc.certs) {
        if (c.seq < low) continue;
        const prev = carried.get(c.seq);
        if (prev === undefined || prev.view < c.view) carried.set(c.seq, c);
      }
    }
    return { low, carried };
  }

  private enterView(i: number, nv: NewViewPayload): void {
    const r = this.replicas[i];
    const view = nv.view;
    const plan = this.planOf(nv);
    r.plans.set(view, plan);
    r.view = view;
    r.changing = false;
    r.proposing = -1;
    if (this.ctx.trace.enabled) {
      this.ctx.trace.record({ t: this.ctx.sim.now, type: "view", node: this.id(i), view });
    }
    this.resetTimer(i);
    if (this.primary(view) === i) this.propose(i, plan.low);
    // Messages of this view that arrived before its NEW-VIEW.
    const byView = r.slots.get(view);
    if (byView === undefined) return;
    for (const seq of [...byView.keys()].sort((a, b) => a - b)) {
      this.acceptPrePrepare(i, view, seq);
      this.checkPrepared(i, view, seq);
      this.checkCommitted(i, view, seq);
    }
  }

  // --- state transfer ------------------------------------------------------

  private sendFetch(i: number): void {
    const r = this.replicas[i];
    if (r.nextExec >= this.items) return;
    this.broadcast(i, "fetch", () => ({ from: r.nextExec }), FETCH_TOKENS);
  }

  private onFetch(i: number, from: number, p: { from: number }): void {
    const r = this.replicas[i];
    if (p.from >= r.nextExec) return;
    const lying = this.behaviour[i] === "always-wrong" || this.behaviour[i] === "equivocating";
    const entries: { seq: number; digest: string }[] = [];
    for (let seq = p.from; seq < r.nextExec; seq++) {
      const d = r.executed[seq];
      const answer = lying ? (answerOf(d) + 1) % this.choices(seq) : answerOf(d);
      entries.push({ seq, digest: digestOf(originOf(d), answer) });
    }
    const payload: StatePayload = { entries };
    this.send(i, from, "state", payload, FETCH_TOKENS + CERT_TOKENS * entries.length);
  }

  // An entry reported alike by f+1 replicas was executed by at least one correct one.
  private onState(i: number, from: number, p: StatePayload): void {
    const r = this.replicas[i];
    for (const e of p.entries) {
      if (e.seq < r.nextExec || r.ready[e.seq] !== undefined) continue;
      let reports = r.reports.get(e.seq);
      if (reports === undefined) {
        reports = new Map();
        r.reports.set(e.seq, reports);
      }
      if (reports.has(from)) continue;
      reports.set(from, e.digest);
      if (this.count(reports, e.digest) >= this.f + 1) {
        r.ready[e.seq] = e.digest;
        r.reports.delete(e.seq);
      }
    }
    this.execute(i);
  }

  // --- faults and the end of the run ------------------------------------

  private onCrash(i: number): void {
    const r = this.replicas[i];
    this.cancelTimer(i);
    r.call = null;
    r.proposing = -1;
    this.checkAllDone();
  }

  // Once every correct live replica has executed every item nothing is left to
  // wait for: timers stop and the run ends at quiescence.
  private checkAllDone(): void {
    if (this.halted) return;
    for (let i = 0; i < this.n; i++) {
      if (this.behaviour[i] !== null || !this.alive(i)) continue;
      if (this.replicas[i].nextExec < this.items) return;
    }
    this.halted = true;
    for (let i = 0; i < this.n; i++) {
      this.cancelTimer(i);
      const r = this.replicas[i];
      if (r.call !== null) r.call.cancel();
      r.call = null;
    }
  }
}

/** `pbft`: Castro-Liskov PBFT, one sequence number per item, with view changes and Byzantine agents. */
export const pbft: ProtocolModule<typeof schema> = {
  name: "pbft",
  summary:
    "PBFT: the primary answers each item, pre-prepare/prepare/commit with 2f+1 quorums, view changes on timeout; tolerates f < n/3 Byzantine agents",
  schema,
  tasks: ["questions"],
  create: (ctx, options) => new Pbft(ctx, options),
};
