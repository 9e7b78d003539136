import { z } from "zod";
import type { CallHandle } from "../agents/MockLLM.js";
import type { Node, Timer } from "../runtime/Node.js";
import type { Protocol, Runtime } from "../runtime/Runtime.js";
import type { Signature } from "../runtime/Signatures.js";
import type { ProtocolModule } from "./Protocol.js";

const schema = z.strictObject({
  protocol: z.literal("pbft"),
  f: z
    .union([z.number().int().min(0), z.literal("auto")])
    .default("auto")
    .meta({
      description:
        "Byzantine faults the quorums are sized for: at most floor((n-1)/3) (n >= 3f+1); auto: that maximum",
    }),
  view_timeout_s: z.number().positive().default(30).meta({
    description:
      "how long a replica waits for its next commit before a view change; doubles (up to 8×) while views make no progress",
  }),
});

// Message sizes in tokens: a header (view, sequence number, digest, signature) and,
// for a pre-prepare, the answer it carries; a prepared certificate costs CERT_TOKENS.
const HEADER_TOKENS = 24;
const CERT_TOKENS = 4;
const FETCH_TOKENS = 16;
// The view-change timer grows at most to this multiple of view_timeout_s.
const MAX_BACKOFF = 8;
// Lost messages are resent this often (a fraction of the view timeout), so that a
// lost PRE-PREPARE, PREPARE, COMMIT or VIEW-CHANGE costs a retransmission, not a view change.
const RETRANSMIT_FRACTION = 0.25;
// A `replaying` replica resends an old message on this share of the messages it receives.
const REPLAY_P = 0.25;

// `answer` (first proposed in view `origin`, `tokens` long) for `seq` in `view`, as
// the view's primary signed it.
type Proposal = { view: number; seq: number; origin: number; answer: number; tokens: number };
type PrePrepare = Proposal & { sig: Signature };
type Vote = { view: number; seq: number; digest: string; sig: Signature };
// A prepared certificate: the primary's signed pre-prepare and the signed matching
// prepares of enough backups; nobody can make one without their signatures.
type Cert = { pp: PrePrepare; prepares: { from: number; sig: Signature }[] };
// `nextExec`: the sender's first unexecuted seq; `certs`: every prepared
// certificate of the sender (no checkpoints, so no garbage collection); signed by `from`.
type ViewChange = { view: number; from: number; nextExec: number; certs: Cert[]; sig: Signature };
// The quorum of view changes the new primary acts on, signed by it; replicas check
// every signature and recompute its plan from them.
type NewView = { view: number; vcs: ViewChange[]; sig: Signature };
// What a replica has of a slot (it asks for the rest; `reply`: an answer, never answered).
type Status = {
  view: number;
  seq: number;
  pp: boolean;
  prepares: number[];
  commits: number[];
  reply: boolean;
};

/** The messages of PBFT, by kind; `fetch` asks for the entries executed from `from` on. */
type Msgs = {
  "pre-prepare": PrePrepare;
  prepare: Vote;
  commit: Vote;
  // `echo`: an answer to a replica that is behind or resending (never answered itself).
  "view-change": { vc: ViewChange; echo: boolean };
  "new-view": NewView;
  status: Status;
  fetch: { from: number };
  state: { entries: { seq: number; digest: string }[] };
};

// A slot's votes by replica, with a running count per digest: counting a
// quorum by scanning every vote on every vote made PBFT cubic in n per item.
// Replicas index an array and the usual single digest has its own counter:
// cheaper than the Maps they replace, on every vote (issue 14).
class Votes {
  // Sized for the team up front: grown one vote at a time it was copied again and again.
  private readonly byFrom: (Vote | undefined)[];
  // The voters in the order their votes came: voter(0) .. voter(size - 1).
  private readonly order: Int32Array;
  private voters = 0;
  private digest0: string | null = null;
  private count0 = 0;
  private others: Map<string, number> | null = null;

  constructor(n: number) {
    this.byFrom = new Array(n);
    this.order = new Int32Array(n);
  }

  /** `from`'s vote, if it voted. */
  get(from: number): Vote | undefined {
    return this.byFrom[from];
  }

  /** Whether `from` voted. */
  has(from: number): boolean {
    return this.byFrom[from] !== undefined;
  }

  /** Records (or replaces) `from`'s vote. */
  set(from: number, vote: Vote): void {
    const old = this.byFrom[from];
    if (old === undefined) this.order[this.voters++] = from;
    else this.add(old.digest, -1);
    this.byFrom[from] = vote;
    this.add(vote.digest, 1);
  }

  /** How many replicas voted. */
  get size(): number {
    return this.voters;
  }

  /** Votes for `digest`. */
  count(digest: string): number {
    if (digest === this.digest0) return this.count0;
    return this.others?.get(digest) ?? 0;
  }

  /** The k-th replica to vote (0: the first). */
  voter(k: number): number {
    return this.order[k];
  }

  /** The voters, in the order their votes came. */
  froms(): number[] {
    return Array.from(this.order.subarray(0, this.voters));
  }

  private add(digest: string, by: number): void {
    if (this.digest0 === null) this.digest0 = digest;
    if (digest === this.digest0) {
      this.count0 += by;
      return;
    }
    this.others ??= new Map();
    this.others.set(digest, (this.others.get(digest) ?? 0) + by);
  }
}

// One (view, seq) slot of a replica's message log: the pre-prepare as offered (kept
// until the replica is in its view to check it), the accepted one, the signed votes
// (its own among them), and when the replica first heard of it.
// `digest`: the accepted pre-prepare's (made once, not on every vote).
class Slot {
  offer: PrePrepare | null = null;
  pp: PrePrepare | null = null;
  digest = "";
  readonly prepares: Votes;
  readonly commits: Votes;
  committed = false;
  since = 0;

  constructor(n: number) {
    this.prepares = new Votes(n);
    this.commits = new Votes(n);
  }
}

// A replica's message log (volatile: a crash loses it), its slots by view then
// sequence number. The last view's slots are kept at hand, since nearly every
// message is for one view; the cache lives and dies with the log it caches.
class SlotLog {
  private readonly byView = new Map<number, Map<number, Slot>>();
  private lastView = -1;
  private last: Map<number, Slot> | null = null;

  constructor(private readonly n: number) {}

  /** Slot (v, seq), made (first heard of at `now`) if it is new. */
  at(v: number, seq: number, now: number): Slot {
    if (v !== this.lastView || this.last === null) {
      this.last = entry(this.byView, v, Map);
      this.lastView = v;
    }
    let s = this.last.get(seq);
    if (s === undefined) {
      this.last.set(seq, (s = new Slot(this.n)));
      s.since = now;
    }
    return s;
  }

  /** Slot (v, seq) if the replica has heard of it. */
  find(v: number, seq: number): Slot | undefined {
    return this.byView.get(v)?.get(seq);
  }

  /** The slots of view `v` by sequence number, if any. */
  ofView(v: number): ReadonlyMap<number, Slot> | undefined {
    return this.byView.get(v);
  }
}

// A slot a replica prepared, its certificate made from `votes` (the slot's
// prepares) when a view change first carries it: made on every prepared slot it
// was a tenth of PBFT's allocations, and view changes are rare (issue 14). Votes
// that come after preparing only add matching signed prepares, still a certificate.
type Prepared = { pp: PrePrepare; digest: string; votes: Votes; cert: Cert | null };

// What a NEW-VIEW obliges the new primary to re-propose: from `low` on, the
// highest-view prepared value of every sequence number that has one.
type ViewPlan = { low: number; carried: Map<number, Proposal> };

const digestOf = (p: { origin: number; answer: number }) => `${p.origin}:${p.answer}`;
const answerOf = (digest: string) => Number(digest.slice(digest.indexOf(":") + 1));
const originOf = (digest: string) => Number(digest.slice(0, digest.indexOf(":")));
const vcTokens = (vc: ViewChange) => HEADER_TOKENS + CERT_TOKENS * vc.certs.length;
const newViewTokens = (nv: NewView) => nv.vcs.reduce((t, vc) => t + vcTokens(vc), HEADER_TOKENS);
// What each signature covers (votes are signed as their fields: rt.signVote).
const ppContent = (p: Proposal) => `pre-prepare:${p.view}:${p.seq}:${digestOf(p)}`;
const certKey = (c: Cert) => `${c.pp.view}/${c.pp.seq}/${digestOf(c.pp)}`;
const vcContent = (vc: ViewChange) =>
  `view-change:${vc.view}:${vc.from}:${vc.nextExec}:${vc.certs.map(certKey).join(",")}`;
const nvContent = (nv: NewView) => `new-view:${nv.view}:${nv.vcs.map((vc) => vc.sig).join(",")}`;

// Accepts `pp` into slot `s`.
function accept(s: Slot, pp: PrePrepare): void {
  s.pp = pp;
  s.digest = digestOf(pp);
}

// map.get(key), created as `new Make()` if absent.
function entry<K, V>(map: Map<K, V>, key: K, Make: new () => NoInfer<V>): V {
  let v = map.get(key);
  if (v === undefined) map.set(key, (v = new Make()));
  return v;
}

// The new view's plan, computed by every replica from the view changes themselves.
function planOf(nv: NewView): ViewPlan {
  const low = Math.min(...nv.vcs.map((vc) => vc.nextExec));
  const carried = new Map<number, Proposal>();
  for (const { pp: c } of nv.vcs.flatMap((vc) => vc.certs)) {
    if (c.seq >= low && (carried.get(c.seq)?.view ?? -1) < c.view) carried.set(c.seq, c);
  }
  return { low, carried };
}

// PBFT (Castro & Liskov 1999) over the items of a question set: item k is
// sequence number k. The primary of view v (agent v mod n) answers it with an LLM
// call and multicasts PRE-PREPARE; replicas multicast PREPARE, then, once prepared
// (pre-prepare + quorum-1 matching prepares), COMMIT; a quorum of matching commits
// (ceil((n+f+1)/2), 2f+1 when n = 3f+1) commits it, executed in sequence order.
// Messages are signed (rt.sign), so prepared certificates and view changes can be
// relayed and checked. A replica resends what is missing of a slot every
// RETRANSMIT_FRACTION of the view timeout; one that sees no commit for
// view_timeout_s asks for a view change, carrying its prepared certificates; the
// new primary re-proposes the highest-view prepared value of each pending seq. A
// replica that fell behind learns executed entries from f+1 matching state replies.
// Byzantine behaviour is read at every action (rt.behaviourOf), so a replica
// Byzantine for a window misbehaves only inside it.
function create(rt: Runtime, options: z.output<typeof schema>): Protocol {
  const nodes = rt.nodes<Msgs>();
  const n = nodes.length;
  const f = options.f === "auto" ? Math.floor((n - 1) / 3) : options.f;
  // Any two quorums of ceil((n+f+1)/2) share at least f+1 replicas, one of them
  // correct, whatever n (Castro & Liskov's 2f+1 when n = 3f+1); 2f+1 alone lets
  // two disjoint quorums commit different answers once n > 3f+1.
  const quorum = Math.ceil((n + f + 1) / 2);
  const commitQuorum = quorum;
  // Prepared: the pre-prepare and this many matching prepares of backups (a certificate needs as many).
  const prepareQuorum = quorum - 1;
  const questions = rt.questions.items;
  const items = questions.length;
  const retransmitS = options.view_timeout_s * RETRANSMIT_FRACTION;
  const primary = (view: number) => view % n;
  const replicas = nodes.map(replica);

  // A message whose signatures do not check out: dropped, and traced (forgeries are visible).
  function reject(node: Node<Msgs>, from: number, kind: string, why: string): void {
    if (rt.trace.enabled)
      rt.trace.record({
        t: rt.now,
        type: "reject",
        node: node.name,
        from: nodes[from].name,
        kind,
        why,
      });
  }

  function validCert(c: Cert): boolean {
    const p = c.pp;
    if (!rt.verify(p.sig, primary(p.view), ppContent(p))) return false;
    const digest = digestOf(p);
    const froms = new Set<number>();
    for (const { from, sig } of c.prepares)
      if (
        from !== primary(p.view) &&
        rt.signatures.verifyVote(sig, from, "prepare", p.view, p.seq, digest)
      )
        froms.add(from);
    return froms.size >= prepareQuorum;
  }

  function validViewChange(vc: ViewChange): boolean {
    return (
      rt.verify(vc.sig, vc.from, vcContent(vc)) &&
      vc.certs.every((c) => c.pp.view < vc.view && validCert(c))
    );
  }

  function validNewView(nv: NewView): boolean {
    const froms = new Set(nv.vcs.map((vc) => vc.from));
    return (
      rt.verify(nv.sig, primary(nv.view), nvContent(nv)) &&
      froms.size === nv.vcs.length &&
      froms.size >= quorum &&
      nv.vcs.every((vc) => vc.view === nv.view && validViewChange(vc))
    );
  }

  // Every replica correct now has executed every item (a correct replica that is down
  // and behind holds this back). Not a flag: a replica that recovers, or whose
  // Byzantine window ends, behind, starts its timers again and the others answer it.
  const allDone = () => replicas.every((r) => r.done());

  // Replicas Byzantine now stop their timers once the correct ones are done, so the
  // run can end at quiescence (the correct ones have stopped theirs).
  function checkAllDone(): void {
    if (allDone()) for (const r of replicas) r.idle();
  }

  function replica(node: Node<Msgs>) {
    const i = node.index;
    // A replica never Byzantine skips the look-up (it runs on every message).
    const everBad = rt.everByzantine(node);
    const bad = () => (everBad ? rt.behaviourOf(node) : null);
    const others = nodes.filter((p) => p !== node);
    const rankOf = (j: number) => (j < i ? j : j - 1);
    const replayRng = rt.stream(`agent/${i}/pbft/replay`);
    // Durable (its stable log, kept through a crash): its view or, while `changing`,
    // the one it moves to (it never goes back to a view it left); as primary, the first
    // seq it has not pre-prepared in `view` (-1: none); its prepared certificates; the
    // digests to execute once committed (or learned from f+1 replicas), executed below
    // `nextExec`; the NEW-VIEWs it installed (resent to replicas that missed them).
    let view = 0;
    let changing = false;
    let target = 0;
    let proposing = i === 0 ? 0 : -1;
    let nextExec = 0;
    const certs: (Prepared | undefined)[] = [];
    const ready: string[] = [];
    const plans = new Map<number, ViewPlan>([[0, { low: 0, carried: new Map() }]]);
    const newViews = new Map<number, NewView>();
    // Volatile (lost in a crash): the messages being collected, the timers, the call in
    // flight, and (a replaying replica's) the messages it may replay.
    let slots = new SlotLog(n);
    let vcs = new Map<number, Map<number, ViewChange>>();
    let latestVc = new Map<number, number>(); // the highest view each peer asked to change to
    let reports = new Map<number, Map<number, string>>();
    let echoed = new Set<string>(); // a view-attacker's agreeing votes, sent once per peer
    let replayLog: { kind: keyof Msgs; payload: Msgs[keyof Msgs] }[] = [];
    let timer: Timer | null = null;
    let tick: Timer | null = null;
    let backoff = 0;
    let call: CallHandle | null = null;

    // The view whose messages the replica still takes: its view, or the one it is changing to.
    const horizon = () => (changing ? target : view);
    const inView = (v: number) => !changing && view === v;
    // How many replicas (itself among them) asked to change to view `v` or a later one.
    const askedFrom = (v: number) => [...latestVc.values()].filter((w) => w >= v).length;
    const slot = (v: number, seq: number): Slot => slots.at(v, seq, rt.now);

    // Still owes work: it has not executed every item (and, Byzantine now, the correct ones have not either).
    const active = () => nextExec < items && !(bad() !== null && allDone());

    function send<K extends keyof Msgs>(to: number, kind: K, payload: Msgs[K], tokens: number) {
      if (bad() === "replaying") replayLog.push({ kind, payload });
      node.send(nodes[to], kind, payload, tokens);
    }
    // To every other replica; `make` gets the peer (what an equivocator varies), null: nothing to it.
    function multicast<K extends keyof Msgs>(
      kind: K,
      make: (peer: number) => Msgs[K] | null,
      t: number,
    ) {
      const same = bad() === null || bad() === "always-wrong" || bad() === "replaying";
      if (same) {
        const payload = make(-1);
        if (payload === null) return;
        if (bad() === "replaying") replayLog.push({ kind, payload });
        return node.broadcast(kind, payload, t);
      }
      for (const peer of others) {
        const payload = make(peer.index);
        if (payload !== null) node.send(peer, kind, payload, t);
      }
    }

    // The answer the replica tells `peer` (-1: everyone): an equivocator tells each
    // peer another one; a view-attacker tells two halves of its peers two answers.
    function told(seq: number, answer: number, peer: number): number {
      const b = bad();
      if (peer < 0) return answer;
      const choices = questions[seq].choices;
      if (b === "equivocating") return (answer + rankOf(peer)) % choices;
      if (b === "view-attacker" && rankOf(peer) >= (n - 1) >> 1) return (answer + 1) % choices;
      return answer;
    }
    function signedPp(p: Proposal): PrePrepare {
      const q = { view: p.view, seq: p.seq, origin: p.origin, answer: p.answer, tokens: p.tokens };
      return { ...q, sig: rt.sign(node, ppContent(q)) };
    }
    function signedVote(kind: "prepare" | "commit", v: number, seq: number, digest: string): Vote {
      return { view: v, seq, digest, sig: rt.signVote(node, kind, v, seq, digest) };
    }
    // Its prepare or commit for `p` as told to `peer`.
    function vote(kind: "prepare" | "commit", p: Proposal, peer: number): Vote {
      const answer = bad() === "always-wrong" && p.answer === 0 ? 1 : told(p.seq, p.answer, peer);
      return signedVote(kind, p.view, p.seq, digestOf({ origin: p.origin, answer }));
    }

    function propose(seq: number): void {
      const v = view;
      proposing = seq;
      if (seq >= items) return;
      const carried = plans.get(v)?.carried.get(seq);
      if (carried !== undefined) return prePrepare({ ...carried, view: v });
      const { promptTokens: inputTokens, pRef, choices } = questions[seq];
      rt.history.open(seq, rt.now);
      call = node.call({ inputTokens, pRef, choices, label: seq }, (res) => {
        if (!inView(v) || proposing !== seq) return;
        // A call that gave up after its retries is made again: the primary owes an answer.
        if (!res.ok) return propose(seq);
        rt.history.propose(seq, res.answer);
        prePrepare({ view: v, seq, origin: v, answer: res.answer, tokens: res.outputTokens });
      });
    }

    // Its pre-prepare `pp` as told to `peer`. A view-attacking primary proposes two
    // answers of a fresh value (both recorded as proposals: its attack is on the
    // quorums, not on validity). The second is recorded when first told, not when the
    // slot was pre-prepared: a primary that pre-prepared it while correct and turns
    // view-attacker tells the second answer only in answers to statuses.
    function ppFor(pp: PrePrepare, peer: number): PrePrepare {
      const answer = told(pp.seq, pp.answer, peer);
      if (answer === pp.answer) return pp;
      const proposed = rt.history.proposals[pp.seq] ?? [];
      if (bad() === "view-attacker" && pp.origin === pp.view && !proposed.includes(answer))
        rt.history.propose(pp.seq, answer);
      return signedPp({ ...pp, answer });
    }

    function prePrepare(p: Proposal): void {
      const mine = signedPp(p);
      accept(slot(p.view, p.seq), mine);
      const toPeer = (peer: number) => ppFor(mine, peer);
      multicast("pre-prepare", toPeer, HEADER_TOKENS + p.tokens);
      // A view-attacking primary commits, to each peer, what it told that peer.
      if (bad() === "view-attacker")
        for (const peer of others)
          send(peer.index, "commit", vote("commit", toPeer(peer.index), peer.index), HEADER_TOKENS);
      checkPrepared(p.view, p.seq);
      // The order is fixed by the pre-prepare: the primary goes on to the next item
      // while this one's prepares and commits are under way.
      if (proposing === p.seq && inView(p.view)) propose(p.seq + 1);
    }

    function onPrePrepare(from: number, p: PrePrepare): void {
      if (p.view < horizon() || from !== primary(p.view)) return;
      if (!rt.verify(p.sig, from, ppContent(p)))
        return reject(node, from, "pre-prepare", "bad signature");
      // Only the first offer counts (a second one, however different, is ignored).
      slot(p.view, p.seq).offer ??= p;
      if (inView(p.view)) acceptPrePrepare(p.view, p.seq);
    }

    // Accepts an offered pre-prepare if it fits the view's plan: a carried seq must
    // carry the carried value, any other must be a fresh value of this view.
    function acceptPrePrepare(v: number, seq: number): void {
      const s = slot(v, seq);
      const p = s.offer;
      if (p === null || s.pp !== null || i === primary(v)) return;
      const plan = plans.get(v);
      if (plan === undefined || seq < plan.low || seq >= items) return;
      const c = plan.carried.get(seq);
      if (c !== undefined ? c.origin !== p.origin || c.answer !== p.answer : p.origin !== v) return;
      accept(s, p);
      s.prepares.set(i, signedVote("prepare", v, seq, s.digest));
      // A view-attacking backup sends no vote of its own: it agrees with each peer that
      // votes, and with the primary.
      if (bad() === "view-attacker")
        send(primary(v), "prepare", s.prepares.get(i) as Vote, HEADER_TOKENS);
      else multicast("prepare", (peer) => vote("prepare", p, peer), HEADER_TOKENS);
      checkPrepared(v, seq);
    }

    function onVote(from: number, kind: "prepare" | "commit", p: Vote): void {
      if (p.view < horizon()) return;
      // Only the sender's own signed vote counts (a replayed one of another replica does not).
      if (!rt.signatures.verifyVote(p.sig, from, kind, p.view, p.seq, p.digest))
        return reject(node, from, kind, "bad signature");
      const s = slot(p.view, p.seq);
      if (bad() === "view-attacker" && !echoed.has(`${kind}/${p.view}/${p.seq}/${from}`)) {
        echoed.add(`${kind}/${p.view}/${p.seq}/${from}`);
        send(from, kind, signedVote(kind, p.view, p.seq, p.digest), HEADER_TOKENS);
      }
      const votes = kind === "prepare" ? s.prepares : s.commits;
      // Only its first vote counts; a primary does not prepare its own pre-prepare.
      if (votes.has(from) || (kind === "prepare" && from === primary(p.view))) return;
      votes.set(from, p);
      if (inView(p.view)) (kind === "prepare" ? checkPrepared : checkCommitted)(p.view, p.seq);
    }

    function checkPrepared(v: number, seq: number): void {
      const s = slot(v, seq);
      const p = s.pp;
      if (p === null || s.commits.has(i) || s.prepares.count(s.digest) < prepareQuorum) return;
      const digest = s.digest;
      if ((certs[seq]?.pp.view ?? -1) < v)
        certs[seq] = { pp: p, digest, votes: s.prepares, cert: null };
      s.commits.set(i, signedVote("commit", v, seq, digest));
      // A withholding replica keeps its commits; a view-attacker only echoes others'.
      const b = bad();
      if (b !== "withholding" && b !== "view-attacker")
        multicast("commit", (peer) => vote("commit", p, peer), HEADER_TOKENS);
      checkCommitted(v, seq);
    }

    function checkCommitted(v: number, seq: number): void {
      const s = slot(v, seq);
      const mine = s.commits.get(i); // made once prepared
      if (mine === undefined || s.committed || s.commits.count(mine.digest) < commitQuorum) return;
      s.committed = true;
      ready[seq] ??= mine.digest;
      execute();
      // A later seq committed while an earlier one is missing (its messages were
      // lost): ask the others for what they executed rather than wait for the timer.
      if (seq > nextExec) sendFetch();
    }

    // Executes ready entries in sequence order. Every execution is recorded: the
    // checkers hold a replica to it only while it is correct (outside its Byzantine
    // windows), and what it executes is what a quorum committed.
    function execute(): void {
      const before = nextExec;
      for (let d = ready[nextExec]; nextExec < items && d !== undefined; d = ready[nextExec]) {
        const seq = nextExec++;
        rt.history.commit(node.name, seq, originOf(d), `${seq}:${answerOf(d)}`, rt.now);
        rt.history.decide(seq, node.name, answerOf(d), rt.now);
      }
      if (nextExec === before) return;
      backoff = 0;
      // Progress restarts the view timer; in a view change it runs on (unless done).
      if (nextExec >= items || !changing) resetTimer();
      checkAllDone();
    }

    // (Re)arms the view timer and, if not running, the retransmission tick; a replica
    // with nothing left to do has neither (it still answers the others).
    function resetTimer(): void {
      timer?.cancel();
      timer = null;
      if (!active()) {
        tick?.cancel();
        tick = null;
        return;
      }
      // As in PBFT, the wait doubles with every view change that brought no progress.
      const factor = Math.min(2 ** backoff, MAX_BACKOFF);
      timer = node.after(options.view_timeout_s * factor, onTimeout);
      if (tick === null || !tick.pending) tick = node.after(retransmitS, onTick);
    }

    function onTimeout(): void {
      sendFetch();
      backoff++;
      const own = vcs.get(target)?.get(i);
      // A quorum asked for the view, or for a later one, and its primary never took it
      // up: try the next one; otherwise the request may have been lost: say it again.
      // Later views count because a replica never goes back to a view it left: one that
      // asked for a later view never helps this view's primary, and its VIEW-CHANGE for
      // this view may be gone (volatile: a replica that crashed in the view change lost
      // the ones it had). Counting only this view's requests, replicas that recovered
      // at a view a quorum had left waited for it for good, and so did those that left it.
      if (!changing) startViewChange(view + 1);
      else if (askedFrom(target) >= quorum) startViewChange(target + 1);
      else if (own !== undefined) broadcastViewChange(own);
      resetTimer();
    }

    // Resends what may have been lost: in a view change its VIEW-CHANGE; in a view, a
    // status of every slot pending for a while (the others answer with what it lacks).
    function onTick(): void {
      tick = null;
      if (!active()) return;
      const b = bad();
      if (b === "view-attacker") attackViews();
      if (changing) {
        const own = vcs.get(target)?.get(i);
        if (own !== undefined) broadcastViewChange(own);
      } else {
        let stale = false;
        for (const [seq, s] of [...(slots.ofView(view) ?? [])].sort(([a], [b]) => a - b)) {
          if (seq < nextExec || s.committed || rt.now - s.since < retransmitS) continue;
          stale = true;
          node.broadcast("status", statusOf(view, seq, false), HEADER_TOKENS);
        }
        if (stale) sendFetch();
      }
      tick = node.after(retransmitS, onTick);
    }

    function statusOf(v: number, seq: number, reply: boolean): Status {
      const s = slots.find(v, seq);
      const has = (m: Votes | undefined) => m?.froms() ?? [];
      return {
        view: v,
        seq,
        pp: (s?.pp ?? s?.offer ?? null) !== null,
        prepares: has(s?.prepares),
        commits: has(s?.commits),
        reply,
      };
    }

    // Answers a status with the replica's own messages of that slot the sender lacks
    // (and, if the sender has some it lacks, with its own status, once).
    function onStatus(from: number, st: Status): void {
      if (st.seq < nextExec) onFetch(from, { from: st.seq });
      if (!inView(st.view)) return;
      const s = slots.find(st.view, st.seq);
      if (s !== undefined) {
        if (s.pp !== null && i === primary(st.view) && !st.pp) {
          send(from, "pre-prepare", ppFor(s.pp, from), HEADER_TOKENS + s.pp.tokens);
        }
        const b = bad();
        const prepare = s.prepares.get(i);
        if (
          s.pp !== null &&
          prepare !== undefined &&
          !st.prepares.includes(i) &&
          b !== "view-attacker"
        )
          send(from, "prepare", b === null ? prepare : vote("prepare", s.pp, from), HEADER_TOKENS);
        const commit = s.commits.get(i);
        if (
          s.pp !== null &&
          commit !== undefined &&
          !st.commits.includes(i) &&
          b !== "view-attacker" &&
          b !== "withholding"
        )
          send(from, "commit", b === null ? commit : vote("commit", s.pp, from), HEADER_TOKENS);
      }
      const lacks =
        (st.pp && (s?.pp ?? s?.offer ?? null) === null) ||
        st.prepares.some((j) => !s?.prepares.has(j)) ||
        st.commits.some((j) => !s?.commits.has(j));
      if (!st.reply && lacks) send(from, "status", statusOf(st.view, st.seq, true), HEADER_TOKENS);
    }

    function startViewChange(v: number): void {
      if (v <= horizon()) return;
      changing = true;
      target = v;
      proposing = -1;
      call?.cancel();
      sendViewChange();
      resetTimer();
      tryNewView(v);
    }

    // The certificate of prepared slot `c`: its pre-prepare and the matching
    // prepares of backups, in the order they came (made once, when first sent).
    function certOf(c: Prepared): Cert {
      if (c.cert !== null) return c.cert;
      const prepares: { from: number; sig: Signature }[] = [];
      for (let k = 0; k < c.votes.size; k++) {
        const from = c.votes.voter(k);
        const vote = c.votes.get(from) as Vote;
        if (vote.digest === c.digest && from !== primary(c.pp.view))
          prepares.push({ from, sig: vote.sig });
      }
      c.cert = { pp: c.pp, prepares };
      return c.cert;
    }

    // Multicasts the signed VIEW-CHANGE towards `target`, with the replica's prepared
    // certificates (a withholding replica leaves them out).
    function sendViewChange(): void {
      const kept: Cert[] = [];
      if (bad() !== "withholding") for (const c of certs) if (c !== undefined) kept.push(certOf(c));
      const body = { view: target, from: i, nextExec, certs: kept };
      const vc = { ...body, sig: rt.sign(node, vcContent({ ...body, sig: 0 })) };
      storeViewChange(vc);
      broadcastViewChange(vc);
    }

    function broadcastViewChange(vc: ViewChange): void {
      multicast("view-change", () => ({ vc, echo: false }), vcTokens(vc));
    }

    function storeViewChange(vc: ViewChange): boolean {
      const byView = entry(vcs, vc.view, Map);
      const fresh = !byView.has(vc.from);
      if (fresh) byView.set(vc.from, vc);
      if ((latestVc.get(vc.from) ?? -1) < vc.view) latestVc.set(vc.from, vc.view);
      return fresh;
    }

    function onViewChange(from: number, { vc, echo }: Msgs["view-change"]): void {
      // Relayed or not, a view change counts only if its signer's signature and its
      // certificates' signatures check out: nobody can ask in another replica's name.
      if (!validViewChange(vc))
        return reject(
          node,
          from,
          "view-change",
          vc.from === from ? "bad certificate" : "forged signer",
        );
      const fresh = storeViewChange(vc);
      // A replica asking for a view at or below ours is behind: tell it where we are.
      if (vc.view < horizon() || (!changing && vc.view === view)) {
        if (echo) return;
        const nv = newViews.get(view);
        if (!changing && nv !== undefined) send(from, "new-view", nv, newViewTokens(nv));
        const own = vcs.get(target)?.get(i);
        if (changing && own !== undefined)
          send(from, "view-change", { vc: own, echo: true }, vcTokens(own));
        return;
      }
      // The same request again: the sender may lack ours.
      const own = vcs.get(vc.view)?.get(i);
      if (!fresh && !echo && own !== undefined)
        send(from, "view-change", { vc: own, echo: true }, vcTokens(own));
      // Join rule: f+1 replicas want a later view, so at least one correct one does.
      const ahead = [...latestVc].filter(([j, v]) => j !== i && v > horizon()).map(([, v]) => v);
      if (ahead.length >= f + 1) startViewChange(Math.min(...ahead));
      tryNewView(vc.view);
    }

    function tryNewView(v: number): void {
      const byView = vcs.get(v);
      const own = byView?.get(i);
      if (primary(v) !== i || newViews.has(v) || byView === undefined) return;
      const peers = [...byView].filter(([j]) => j !== i).sort(([a], [b]) => a - b);
      if (peers.length < quorum - 1) return;
      // startViewChange comes back here with the replica's own view change stored.
      if (!(changing && target === v) || own === undefined) return startViewChange(v);
      const b = bad();
      // A withholding primary never sends its NEW-VIEW: the others time out.
      if (b === "withholding") return;
      let chosen = peers.slice(0, quorum - 1).map(([, vc]) => vc);
      // A view-attacker picks the quorum with the fewest certificates (legitimate, and
      // safe: any quorum holds a correct replica's certificate of whatever committed).
      if (b === "view-attacker")
        chosen = peers
          .map(([, vc]) => vc)
          .sort((x, y) => x.certs.length - y.certs.length || x.from - y.from)
          .slice(0, quorum - 1);
      const body = { view: v, vcs: [own, ...chosen] };
      const nv = { ...body, sig: rt.sign(node, nvContent({ ...body, sig: 0 })) };
      newViews.set(v, nv);
      rt.history.elect(v, node.name, rt.now);
      if (b === "view-attacker") {
        // Different NEW-VIEWs to different replicas: half get it with the carried
        // certificates dropped (its signatures no longer match: rejected).
        const stripped = { ...nv, vcs: nv.vcs.map((vc) => ({ ...vc, certs: [] })) };
        for (const peer of others) {
          const m = rankOf(peer.index) >= (n - 1) >> 1 ? stripped : nv;
          send(peer.index, "new-view", m, newViewTokens(m));
        }
      } else multicast("new-view", () => nv, newViewTokens(nv));
      enterView(nv);
    }

    function onNewView(from: number, nv: NewView): void {
      if (nv.view < horizon() || inView(nv.view)) return;
      // Any replica may relay a NEW-VIEW: it is the primary's signed word over signed view changes.
      if (!validNewView(nv)) return reject(node, from, "new-view", "bad signature");
      newViews.set(nv.view, nv);
      enterView(nv);
    }

    function enterView(nv: NewView): void {
      const plan = planOf(nv);
      plans.set(nv.view, plan);
      view = nv.view;
      changing = false;
      proposing = -1;
      if (rt.trace.enabled) rt.trace.record({ t: rt.now, type: "view", node: node.name, view });
      resetTimer();
      if (primary(view) === i) propose(plan.low);
      // Messages of this view that arrived before its NEW-VIEW.
      for (const seq of [...(slots.ofView(view)?.keys() ?? [])].sort((a, b) => a - b))
        for (const step of [acceptPrePrepare, checkPrepared, checkCommitted]) step(nv.view, seq);
    }

    // A view-attacker's view changes: for views ahead of everyone's (signed, so they
    // count), with a fabricated certificate, and in another replica's name (both rejected).
    function jumpAhead(v: number): void {
      const body = { view: v + 1, from: i, nextExec, certs: [] };
      const vc = { ...body, sig: rt.sign(node, vcContent({ ...body, sig: 0 })) };
      storeViewChange(vc);
      broadcastViewChange(vc);
    }

    function attackViews(): void {
      const v = horizon() + 2;
      jumpAhead(v - 1);
      const seq = Math.min(nextExec, items - 1);
      const pp = {
        view: v - 1,
        seq,
        origin: v - 1,
        answer: 1,
        tokens: 0,
        sig: rt.sign(node, "nothing"),
      };
      const fake: Cert = { pp, prepares: others.map((p) => ({ from: p.index, sig: pp.sig })) };
      const withCert = { view: v, from: i, nextExec, certs: [fake] };
      const bogus = { ...withCert, sig: rt.sign(node, vcContent({ ...withCert, sig: 0 })) };
      const victim = others[0].index;
      const forgedBody = { view: v, from: victim, nextExec: 0, certs: [] };
      // It can sign only as itself: the forged view change carries its own signature.
      const forged = { ...forgedBody, sig: rt.sign(node, vcContent({ ...forgedBody, sig: 0 })) };
      for (const vc of [bogus, forged])
        node.broadcast("view-change", { vc, echo: false }, vcTokens(vc));
    }

    function sendFetch(): void {
      if (nextExec < items) node.broadcast("fetch", { from: nextExec }, FETCH_TOKENS);
    }

    function onFetch(from: number, p: { from: number }): void {
      if (p.from >= nextExec) return;
      const b = bad();
      const lying = b === "always-wrong" || b === "equivocating" || b === "view-attacker";
      const entries: Msgs["state"]["entries"] = [];
      for (let seq = p.from; seq < nextExec; seq++) {
        const d = ready[seq];
        const answer = lying ? (answerOf(d) + 1) % questions[seq].choices : answerOf(d);
        entries.push({ seq, digest: digestOf({ origin: originOf(d), answer }) });
      }
      send(from, "state", { entries }, FETCH_TOKENS + CERT_TOKENS * entries.length);
    }

    // An entry reported alike by f+1 replicas was executed by at least one correct one.
    function onState(from: number, entries: Msgs["state"]["entries"]): void {
      for (const e of entries) {
        if (e.seq < nextExec || ready[e.seq] !== undefined) continue;
        const byReplica = entry(reports, e.seq, Map);
        if (!byReplica.has(from)) byReplica.set(from, e.digest);
        if (count2(byReplica, e.digest) >= f + 1) ready[e.seq] = e.digest;
      }
      execute();
    }

    // A replaying replica resends, now and then, an old message it sent or received
    // (signatures intact) to a peer.
    function replay<K extends keyof Msgs>(kind: K, payload: Msgs[K]): void {
      if (bad() !== "replaying") return;
      if (kind !== "status" && kind !== "fetch" && kind !== "state")
        replayLog.push({ kind, payload });
      if (replayLog.length === 0 || !replayRng.bernoulli(REPLAY_P)) return;
      const old = replayLog[replayRng.int(replayLog.length)];
      const to = others[replayRng.int(others.length)];
      node.send(to, old.kind, old.payload as never, HEADER_TOKENS);
    }

    function on<K extends keyof Msgs>(kind: K, handle: (from: number, p: Msgs[K]) => void): void {
      // A replica never Byzantine never replays: its handlers skip the check.
      if (!everBad) return node.on(kind, (p, from) => handle(from.index, p));
      node.on(kind, (p, from) => {
        handle(from.index, p);
        replay(kind, p);
      });
    }

    return {
      // A replica Byzantine now never holds the end back.
      done: () => bad() !== null || nextExec >= items,
      start(): void {
        on("pre-prepare", onPrePrepare);
        on("prepare", (from, p) => onVote(from, "prepare", p));
        on("commit", (from, p) => onVote(from, "commit", p));
        on("view-change", onViewChange);
        on("new-view", onNewView);
        on("status", onStatus);
        on("fetch", onFetch);
        on("state", (from, p) => onState(from, p.entries));
        // When a Byzantine window ends the replica is correct again and owes its work.
        for (const [, until] of rt.history.byzantine.get(node.name) ?? [])
          if (Number.isFinite(until)) node.after(until - rt.now, wake);
        resetTimer();
        if (proposing === 0) node.run(() => propose(0)); // down: on its recovery
      },
      // Stops its timers (a replica Byzantine now, once the correct ones are done).
      idle(): void {
        if (bad() === null) return;
        timer?.cancel();
        tick?.cancel();
        call?.cancel();
      },
      // A recovered replica rejoins from its stable log, its collected messages lost:
      // it restarts its timers (so it takes part in view changes and resends what is
      // missing), says again the VIEW-CHANGE it was in, resumes pre-preparing as
      // primary of its view where it stopped (pre-preparing a seq twice in a view would
      // be equivocation), and asks the others for the entries executed while it was down.
      recover(): void {
        [slots, vcs, latestVc, reports, backoff] = [
          new SlotLog(n),
          new Map(),
          new Map(),
          new Map(),
          0,
        ];
        [echoed, replayLog, tick, timer] = [new Set(), [], null, null];
        wake();
        if (changing) sendViewChange();
        else if (primary(view) === i && proposing >= 0) propose(proposing);
      },
    };

    function wake(): void {
      resetTimer();
      sendFetch();
    }
  }

  return {
    start: () => {
      rt.history.elect(0, nodes[0].name, rt.now);
      for (const r of replicas) r.start();
    },
    recover: (node) => replicas[node.index].recover(),
  };
}

function count2(votes: Map<number, string>, digest: string): number {
  let c = 0;
  for (const d of votes.values()) if (d === digest) c++;
  return c;
}

/** The f of a PBFT team of n: the scenario's, or floor((n-1)/3) for auto. */
function pbftF(o: z.output<typeof schema>, n: number): number {
  return o.f === "auto" ? Math.floor((n - 1) / 3) : o.f;
}

/** `pbft`: Castro-Liskov PBFT, one sequence number per item, with view changes and Byzantine agents. */
export const pbft: ProtocolModule<typeof schema> = {
  name: "pbft",
  summary:
    "PBFT: the primary answers each item, pre-prepare/prepare/commit with ceil((n+f+1)/2) quorums, view changes on timeout; tolerates f < n/3 Byzantine agents",
  schema,
  tasks: ["questions"],
  example: "scenarios/pbft-byzantine.yaml",
  law: { none: "only its Byzantine tolerance has a law (bft); accuracy, makespan are simulated" },
  deciders: "all",
  // ceil((n+f+1)/2) correct replicas up and connected install a view with a correct
  // primary after at most f+1 view changes; each waits at most MAX_BACKOFF view
  // timeouts (Castro & Liskov 1999, §4.5.2), and a round of them may be needed per replica.
  liveness: {
    quorum: (o, n) => Math.ceil((n + pbftF(o, n) + 1) / 2),
    stabilizeS: (o, n) => o.view_timeout_s * MAX_BACKOFF * (n + 1),
  },
  byzantineBound: (o, n) => pbftF(o, n),
  // The 3f+1 bound: more Byzantine faults than floor((n-1)/3) leaves no quorum
  // that is both intersecting in a correct replica and fillable by correct ones.
  checkTeam: (options, n) =>
    options.f !== "auto" && options.f > Math.floor((n - 1) / 3)
      ? [
          {
            field: "f",
            expected: `at most floor((n-1)/3) = ${Math.floor((n - 1) / 3)} Byzantine faults for n = ${n} agents (PBFT needs n >= 3f+1)`,
          },
        ]
      : [],
  // The primary's call; pre-prepare, prepare and commit are all-to-all (about
  // 2.5 n² measured). Each vote is counted in O(1) (Votes keeps a tally per
  // digest), yet a message still costs more as n grows (larger slots, more
  // cache misses): about 1.2 events' worth at n = 33 and 2 at n = 100
  // (docs/limits.md), hence n³/33 steps on top.
  workPerItem: (_o, n) => ({ calls: 2, messages: 3 * n * n, steps: (n * n * n) / 33 }),
  create,
};
