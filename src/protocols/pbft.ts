import { z } from "zod";
import type { CallHandle } from "../agents/MockLLM.js";
import type { Node, Timer } from "../runtime/Node.js";
import type { Protocol, Runtime } from "../runtime/Runtime.js";
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
// for a pre-prepare, the answer it carries.
const HEADER_TOKENS = 24;
const CERT_TOKENS = 4;
const FETCH_TOKENS = 16;
// The view-change timer grows at most to this multiple of view_timeout_s.
const MAX_BACKOFF = 8;

// `answer` (first proposed in view `origin`, `tokens` long) for `seq` in `view`: a
// pre-prepare, or, kept by a replica that saw it prepared, a prepared certificate.
type Proposal = { view: number; seq: number; origin: number; answer: number; tokens: number };
type Vote = { view: number; seq: number; digest: string };
// `nextExec`: the sender's first unexecuted seq; `certs`: every prepared
// certificate of the sender (no checkpoints, so no garbage collection).
type ViewChange = { view: number; from: number; nextExec: number; certs: Proposal[] };
// The 2f+1 view-change messages the new primary acts on; replicas recompute its plan from them.
type NewView = { view: number; vcs: ViewChange[] };

/** The messages of PBFT, by kind; `fetch` asks for the entries executed from `from` on. */
type Msgs = {
  "pre-prepare": Proposal;
  prepare: Vote;
  commit: Vote;
  "view-change": ViewChange;
  "new-view": NewView;
  fetch: { from: number };
  state: { entries: { seq: number; digest: string }[] };
};

// One (view, seq) slot of a replica's message log: the pre-prepare as offered (kept
// until the replica is in its view to check it), the accepted one, the votes (its
// own commit among them once it prepared).
class Slot {
  offer: Proposal | null = null;
  pp: Proposal | null = null;
  prepares = new Map<number, string>();
  commits = new Map<number, string>();
  committed = false;
}

// What a NEW-VIEW obliges the new primary to re-propose: from `low` on, the
// highest-view prepared value of every sequence number that has one.
type ViewPlan = { low: number; carried: Map<number, Proposal> };

const digestOf = (p: { origin: number; answer: number }) => `${p.origin}:${p.answer}`;
const answerOf = (digest: string) => Number(digest.slice(digest.indexOf(":") + 1));
const originOf = (digest: string) => Number(digest.slice(0, digest.indexOf(":")));
const vcTokens = (vc: ViewChange) => HEADER_TOKENS + CERT_TOKENS * vc.certs.length;
const newViewTokens = (nv: NewView) => nv.vcs.reduce((t, vc) => t + vcTokens(vc), HEADER_TOKENS);

function count(votes: Map<number, string>, digest: string): number {
  let c = 0;
  for (const d of votes.values()) if (d === digest) c++;
  return c;
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
  for (const c of nv.vcs.flatMap((vc) => vc.certs)) {
    if (c.seq >= low && (carried.get(c.seq)?.view ?? -1) < c.view) carried.set(c.seq, c);
  }
  return { low, carried };
}

// PBFT (Castro & Liskov 1999) over the items of a question set: item k is
// sequence number k. The primary of view v (agent v mod n) answers it with an LLM
// call and multicasts PRE-PREPARE; replicas multicast PREPARE, then, once prepared
// (pre-prepare + quorum-1 matching prepares), COMMIT; a quorum of matching commits
// (ceil((n+f+1)/2), 2f+1 when n = 3f+1) commits it,
// executed in sequence order. Replicas that see no commit for view_timeout_s ask
// for a view change, carrying their prepared certificates; the new primary
// re-proposes the highest-view prepared value of each pending seq. A replica that
// fell behind learns executed entries from f+1 matching state replies.
function create(rt: Runtime, options: z.output<typeof schema>): Protocol {
  const nodes = rt.nodes<Msgs>();
  const f = options.f === "auto" ? Math.floor((nodes.length - 1) / 3) : options.f;
  // Any two quorums of ceil((n+f+1)/2) share at least f+1 replicas, one of them
  // correct, whatever n (Castro & Liskov's 2f+1 when n = 3f+1); 2f+1 alone lets
  // two disjoint quorums commit different answers once n > 3f+1.
  const quorum = Math.ceil((nodes.length + f + 1) / 2);
  const questions = rt.questions.items;
  const items = questions.length;
  const primary = (view: number) => view % nodes.length;
  let halted = false;
  const replicas = nodes.map(replica);

  // Once every correct replica has executed every item, timers stop (Byzantine ones'
  // too) and the run ends at quiescence. A correct replica that is down holds this
  // back (it may recover and catch up); the others, done, have stopped their timers.
  function checkAllDone(): void {
    if (halted || !replicas.every((r) => r.done())) return;
    halted = true;
    for (const r of replicas) r.halt();
  }

  function replica(node: Node<Msgs>) {
    const i = node.index;
    const behaviour = rt.everByzantine(node) ? rt.behaviourOf(node) : null; // TODO windows
    // Durable (its stable log, kept through a crash): its view or, while `changing`,
    // the one it moves to (it never goes back to a view it left); as primary, the first
    // seq it has not pre-prepared in `view` (-1: none); its prepared certificates; the
    // digests to execute once committed (or learned from f+1 replicas), executed below
    // `nextExec`; the NEW-VIEWs it installed and sent (resent to replicas that missed them).
    let view = 0;
    let changing = false;
    let target = 0;
    let proposing = i === 0 ? 0 : -1;
    let nextExec = 0;
    const certs: (Proposal | undefined)[] = [];
    const ready: string[] = [];
    const plans = new Map<number, ViewPlan>([[0, { low: 0, carried: new Map() }]]);
    const newViews = new Map<number, NewView>();
    // Volatile (lost in a crash): the messages being collected, the timer, the call in flight.
    let slots = new Map<number, Map<number, Slot>>();
    let vcs = new Map<number, Map<number, ViewChange>>();
    let latestVc = new Map<number, number>(); // the highest view each peer asked to change to
    let reports = new Map<number, Map<number, string>>();
    let timer: Timer | null = null;
    let backoff = 0;
    let call: CallHandle | null = null;

    // The view whose messages the replica still takes: its view, or the one it is changing to.
    const horizon = () => (changing ? target : view);
    const inView = (v: number) => !changing && view === v;
    const slot = (v: number, seq: number) => entry(entry(slots, v, Map), seq, Slot);

    // To every other replica; `make` gets the peer's rank (what an equivocator varies).
    function multicast<K extends keyof Msgs>(kind: K, make: (rank: number) => Msgs[K], t: number) {
      if (behaviour !== "equivocating") return node.broadcast(kind, make(0), t);
      nodes.filter((p) => p !== node).forEach((peer, rank) => node.send(peer, kind, make(rank), t));
    }

    // The answer the replica tells the peer of `rank`, and its prepare or commit for `p`.
    const told = (seq: number, answer: number, rank: number) =>
      behaviour === "equivocating" ? (answer + rank) % questions[seq].choices : answer;
    function vote(p: Proposal, rank: number): Vote {
      const answer =
        behaviour === "always-wrong" && p.answer === 0 ? 1 : told(p.seq, p.answer, rank);
      return { view: p.view, seq: p.seq, digest: digestOf({ origin: p.origin, answer }) };
    }

    function propose(seq: number): void {
      const v = view;
      proposing = seq;
      if (seq >= items || halted) return;
      const carried = plans.get(v)?.carried.get(seq);
      if (carried !== undefined) return prePrepare({ ...carried, view: v });
      const { promptTokens: inputTokens, pRef, choices } = questions[seq];
      rt.history.open(seq, rt.now);
      call = node.call({ inputTokens, pRef, choices, label: seq }, (res) => {
        if (!inView(v) || proposing !== seq || halted) return;
        // A call that gave up after its retries is made again: the primary owes an answer.
        if (!res.ok) return propose(seq);
        rt.history.propose(seq, res.answer);
        prePrepare({ view: v, seq, origin: v, answer: res.answer, tokens: res.outputTokens });
      });
    }

    function prePrepare(p: Proposal): void {
      slot(p.view, p.seq).pp = p;
      const pp = (rank: number) => ({ ...p, answer: told(p.seq, p.answer, rank) });
      multicast("pre-prepare", pp, HEADER_TOKENS + p.tokens);
      checkPrepared(p.view, p.seq);
      // The order is fixed by the pre-prepare: the primary goes on to the next item
      // while this one's prepares and commits are under way.
      if (proposing === p.seq && inView(p.view)) propose(p.seq + 1);
    }

    function onPrePrepare(from: number, p: Proposal): void {
      if (p.view < horizon() || from !== primary(p.view)) return;
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
      s.pp = p;
      s.prepares.set(i, digestOf(p));
      multicast("prepare", (rank) => vote(p, rank), HEADER_TOKENS);
      checkPrepared(v, seq);
    }

    function onVote(from: number, kind: "prepare" | "commit", p: Vote): void {
      if (p.view < horizon()) return;
      const s = slot(p.view, p.seq);
      const votes = kind === "prepare" ? s.prepares : s.commits;
      // Only the sender's own (signed) vote counts, and only its first one.
      if (votes.has(from) || (kind === "prepare" && from === primary(p.view))) return;
      votes.set(from, p.digest);
      if (inView(p.view)) (kind === "prepare" ? checkPrepared : checkCommitted)(p.view, p.seq);
    }

    function checkPrepared(v: number, seq: number): void {
      const s = slot(v, seq);
      const p = s.pp;
      if (p === null || s.commits.has(i) || count(s.prepares, digestOf(p)) < quorum - 1) return;
      if ((certs[seq]?.view ?? -1) < v) certs[seq] = p;
      s.commits.set(i, digestOf(p));
      multicast("commit", (rank) => vote(p, rank), HEADER_TOKENS);
      checkCommitted(v, seq);
    }

    function checkCommitted(v: number, seq: number): void {
      const s = slot(v, seq);
      const mine = s.commits.get(i); // sent once prepared
      if (mine === undefined || s.committed || count(s.commits, mine) < quorum) return;
      s.committed = true;
      ready[seq] ??= mine;
      execute();
      // A later seq committed while an earlier one is missing (its messages were
      // lost): ask the others for what they executed rather than wait for the timer.
      if (seq > nextExec && !halted) sendFetch();
    }

    // Executes ready entries in sequence order; a correct replica's execution is its decision.
    function execute(): void {
      const before = nextExec;
      for (let d = ready[nextExec]; nextExec < items && d !== undefined; d = ready[nextExec]) {
        const seq = nextExec++;
        if (behaviour !== null) continue;
        rt.history.commit(node.name, seq, originOf(d), `${seq}:${answerOf(d)}`, rt.now);
        rt.history.decide(seq, node.name, answerOf(d), rt.now);
      }
      if (nextExec === before) return;
      backoff = 0;
      // Done: the timer stops (resetTimer only cancels it); in a view change it runs on.
      if (nextExec >= items || !changing) resetTimer();
      checkAllDone();
    }

    function resetTimer(): void {
      timer?.cancel();
      if (halted || behaviour === "silent" || nextExec >= items) return;
      // As in PBFT, the wait doubles with every view change that brought no progress.
      const factor = Math.min(2 ** backoff, MAX_BACKOFF);
      timer = node.after(options.view_timeout_s * factor, onTimeout);
    }

    function onTimeout(): void {
      sendFetch();
      backoff++;
      const own = vcs.get(target)?.get(i);
      // A quorum asked for the view and its primary never took it up: try the next one;
      // otherwise the request may have been lost: say it again.
      if (!changing) startViewChange(view + 1);
      else if ((vcs.get(target)?.size ?? 0) >= quorum) startViewChange(target + 1);
      else if (own !== undefined) node.broadcast("view-change", own, vcTokens(own));
      resetTimer();
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

    // Multicasts the VIEW-CHANGE towards `target`, with the replica's prepared certificates.
    function sendViewChange(): void {
      const vc = { view: target, from: i, nextExec, certs: certs.filter((c) => c !== undefined) };
      storeViewChange(i, vc);
      node.broadcast("view-change", vc, vcTokens(vc));
    }

    function storeViewChange(from: number, vc: ViewChange): void {
      const byView = entry(vcs, vc.view, Map);
      if (!byView.has(from)) byView.set(from, vc);
      if ((latestVc.get(from) ?? -1) < vc.view) latestVc.set(from, vc.view);
    }

    function onViewChange(from: number, vc: ViewChange): void {
      storeViewChange(from, vc);
      // A replica asking for a view that is already installed missed its NEW-VIEW.
      if (!changing && vc.view <= view) {
        const nv = newViews.get(view);
        if (nv !== undefined) node.send(nodes[from], "new-view", nv, newViewTokens(nv));
        return;
      }
      // Join rule: f+1 replicas want a later view, so at least one correct one does.
      const ahead = [...latestVc].filter(([j, v]) => j !== i && v > horizon()).map(([, v]) => v);
      if (ahead.length >= f + 1) startViewChange(Math.min(...ahead));
      tryNewView(vc.view);
    }

    function tryNewView(v: number): void {
      const byView = vcs.get(v);
      const own = byView?.get(i);
      if (primary(v) !== i || newViews.has(v) || byView === undefined) return;
      const others = [...byView].filter(([j]) => j !== i).sort(([a], [b]) => a - b);
      if (others.length < quorum - 1) return;
      // startViewChange comes back here with the replica's own view change stored.
      if (!(changing && target === v) || own === undefined) return startViewChange(v);
      const nv = { view: v, vcs: [own, ...others.slice(0, quorum - 1).map(([, vc]) => vc)] };
      newViews.set(v, nv);
      rt.history.elect(v, node.name, rt.now);
      node.broadcast("new-view", nv, newViewTokens(nv));
      enterView(nv);
    }

    function onNewView(from: number, nv: NewView): void {
      if (from !== primary(nv.view) || nv.view < horizon() || inView(nv.view)) return;
      // The view changes it rests on are signed by their senders: a quorum of distinct ones for this view.
      const senders = new Set(nv.vcs.filter((vc) => vc.view === nv.view).map((vc) => vc.from));
      if (senders.size >= quorum) enterView(nv);
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
      for (const seq of [...(slots.get(view)?.keys() ?? [])].sort((a, b) => a - b))
        for (const step of [acceptPrePrepare, checkPrepared, checkCommitted]) step(nv.view, seq);
    }

    function sendFetch(): void {
      if (nextExec < items) node.broadcast("fetch", { from: nextExec }, FETCH_TOKENS);
    }

    function onFetch(from: number, p: { from: number }): void {
      if (p.from >= nextExec) return;
      const lying = behaviour === "always-wrong" || behaviour === "equivocating";
      const entries: Msgs["state"]["entries"] = [];
      for (let seq = p.from; seq < nextExec; seq++) {
        const d = ready[seq];
        const answer = lying ? (answerOf(d) + 1) % questions[seq].choices : answerOf(d);
        entries.push({ seq, digest: digestOf({ origin: originOf(d), answer }) });
      }
      node.send(nodes[from], "state", { entries }, FETCH_TOKENS + CERT_TOKENS * entries.length);
    }

    // An entry reported alike by f+1 replicas was executed by at least one correct one.
    function onState(from: number, entries: Msgs["state"]["entries"]): void {
      for (const e of entries) {
        if (e.seq < nextExec || ready[e.seq] !== undefined) continue;
        const byReplica = entry(reports, e.seq, Map);
        if (!byReplica.has(from)) byReplica.set(from, e.digest);
        if (count(byReplica, e.digest) >= f + 1) ready[e.seq] = e.digest;
      }
      execute();
    }

    return {
      // A Byzantine replica never holds the end back.
      done: () => behaviour !== null || nextExec >= items,
      start(): void {
        if (behaviour === "silent") return;
        node.on("pre-prepare", (p, from) => onPrePrepare(from.index, p));
        node.on("prepare", (p, from) => onVote(from.index, "prepare", p));
        node.on("commit", (p, from) => onVote(from.index, "commit", p));
        node.on("view-change", (p, from) => onViewChange(from.index, p));
        node.on("new-view", (p, from) => onNewView(from.index, p));
        node.on("fetch", (p, from) => onFetch(from.index, p));
        node.on("state", (p, from) => onState(from.index, p.entries));
        resetTimer();
        if (proposing === 0) node.run(() => propose(0)); // down: on its recovery
      },
      halt(): void {
        timer?.cancel();
        call?.cancel();
      },
      // A recovered replica rejoins from its stable log, its collected messages lost:
      // it restarts its view timer (so it takes part in view changes), says again the
      // VIEW-CHANGE it was in, resumes pre-preparing as primary of its view where it
      // stopped (pre-preparing a seq twice in a view would be equivocation), and asks
      // the others for the entries executed while it was down.
      recover(): void {
        if (behaviour === "silent" || halted) return;
        [slots, vcs, latestVc, reports, backoff] = [new Map(), new Map(), new Map(), new Map(), 0];
        resetTimer();
        if (changing) sendViewChange();
        else if (primary(view) === i && proposing >= 0) propose(proposing);
        sendFetch();
      },
    };
  }

  return {
    start: () => {
      rt.history.elect(0, nodes[0].name, rt.now);
      for (const r of replicas) r.start();
    },
    recover: (node) => replicas[node.index].recover(),
  };
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
  create,
};
