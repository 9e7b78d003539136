import { z } from "zod";
import type { FailureDetector } from "../runtime/FailureDetector.js";
import type { Node } from "../runtime/Node.js";
import type { ProcessBody } from "../runtime/Process.js";
import type { ProtocolModule } from "./Protocol.js";
import { PushSum } from "./PushSum.js";
import { ABSTAIN, VoteLog } from "./VoteLog.js";

const schema = z.strictObject({
  protocol: z.literal("gossip"),
  mode: z.enum(["exact", "push-sum"]).default("exact").meta({
    description:
      "exact: agents spread the votes themselves (n per agent and item, exact plurality); push-sum: they average vote vectors (Kempe et al. 2003; state and messages independent of n, decides the estimated plurality)",
  }),
  round_s: z.number().positive().default(1).meta({
    description:
      "length of a gossip round (s): every live agent starts one push-pull (exact) or one push (push-sum) per round",
  }),
  until: z.enum(["rounds", "converged"]).optional().meta({
    description:
      "rounds: decide after `rounds` rounds per item; converged: exact mode once a majority is known and quiet_rounds bring no news (give up after max_rounds), push-sum once the estimate moved less than `tolerance` in quiet_rounds rounds that brought mass, after at least ceil(log2 n) + ceil(log2 1/tolerance) rounds (decide anyway at max_rounds). Default: rounds (exact), converged (push-sum)",
  }),
  rounds: z.number().int().min(1).optional().meta({
    description: "gossip rounds per item with until: rounds (default ceil(log2 n) + 3)",
  }),
  quiet_rounds: z.number().int().min(1).default(3).meta({
    description:
      "with until: converged, rounds without news (exact) or with an estimate that moved less than `tolerance` (push-sum) before an agent decides",
  }),
  max_rounds: z.number().int().min(1).default(30).meta({
    description:
      "with until: converged, rounds after which an agent gives up on the item (exact) or decides its estimate's plurality (push-sum)",
  }),
  tolerance: z.number().positive().max(1).default(0.01).meta({
    description:
      "push-sum, until: converged: a round is quiet if no answer's estimated share moved by this much or more",
  }),
});

type Options = z.output<typeof schema>;

/** Size of one vote {agent -> answer} inside a gossip message (tokens). */
export const VOTE_TOKENS = 5;
/** Size of one number (a share of the mass, or the weight) inside a push-sum message (tokens). */
export const MASS_TOKENS = 5;
/**
 * Agents whose perfect failure detectors tell the team of a crash: every one
 * answers `suspects` the same way (the oracle), so a detector per agent (each a set
 * of the n members) would cost n² for nothing; a crash goes unnoticed only while
 * all of these are down too.
 */
const PERFECT_WATCHERS = 16;

/** The default number of rounds for n agents: ceil(log2 n) + 3. */
export function defaultRounds(n: number): number {
  return Math.ceil(Math.log2(Math.max(1, n))) + 3;
}

/** How an agent decides in a mode: after fixed rounds, or once converged (push-sum's default). */
export function untilOf(o: Pick<Options, "mode" | "until">): "rounds" | "converged" {
  return o.until ?? (o.mode === "push-sum" ? "converged" : "rounds");
}

/** A snapshot of what an agent knew: the first `count` entries of its log (liar's entry read as `lie`). */
type Votes = { item: number; log: VoteLog; count: number; liar: number; lie: number };
/** Push-sum: half of an agent's mass. */
type Mass = { item: number; sum: number[]; weight: number };
type Msgs = { push: Votes; pull: Votes; mass: Mass };

/**
 * What one agent knows of one item (volatile: lost in a crash): its vote log
 * (exact) or its push-sum mass; `synced`: see the quiet rounds.
 */
type View = { item: number; log: VoteLog | null; mass: PushSum | null; synced: boolean };

// Epidemic aggregation, one item after another. Every agent answers the item with
// an LLM call; gossip starts once every live agent has answered (the synchronous
// model's round barrier: an agent waits for those its failure detector does not
// suspect; with the default perfect detector all start together).
//
// Exact mode: push-pull (Demers et al. 1987; Karp et al. 2000). Each round every
// agent sends its known votes to a peer drawn uniformly from the others, which
// replies with its own; both merge them (the first value heard for an agent
// stays). In the end each agent decides the plurality of what it knows. An
// equivocating agent tells each peer a fresh random answer for its own vote.
// Trace: `gossip_rumor`, `gossip_full` (rounds until one vote, or all, had spread).
//
// Push-sum mode (Kempe, Dobra and Gehrke 2003; PushSum): each round every agent
// keeps half of its (vote vector sum, weight) and pushes half to a random peer;
// each ratio converges to the average vote vector, the share of each answer.
// An agent decides the answer of largest share. Mass is conserved while no message
// is lost; a lost message (loss, a crashed receiver, a receiver without a view of
// the item) takes its mass with it, and a crash takes the agent's. Every surviving
// estimate is still an average of the votes, weighted unevenly, so the plurality
// stays right when the margin is clear but the shares drift from the true ones.
// An equivocating agent pushes, instead of its mass, its weight on a fresh random
// answer. Trace: `gossip_mass` every round (mass held, mass sent and not received,
// the largest error of an estimate) and `gossip_converged` (every estimate within
// `tolerance` of the true shares).
//
// An agent that decided goes on to the next item and still handles messages about
// this one (exact: answers pushes; push-sum: keeps mass it receives).
//
// Rejoining: views are volatile, decisions durable (the history). A recovered
// agent starts afresh at the first item nobody gossips yet: it answers it with a
// new call, the barrier waits for it, and it gossips and decides from then on. The
// items it skipped hold nobody up: an agent finishing one of them late (its answer
// came after the others had moved on) gossips it with whoever still holds a view.
/** `gossip`: epidemic aggregation of the agents' answers (exact votes or push-sum), decided by plurality. */
export const gossip: ProtocolModule<typeof schema> = {
  name: "gossip",
  summary:
    "every agent answers, then gossip rounds spread the votes (O(log n) rounds): exact push-pull of the votes, each agent deciding the plurality it knows, or push-sum averaging (state independent of n), deciding the estimated plurality",
  schema,
  tasks: ["questions"],
  example: "scenarios/gossip.yaml",
  law: {
    none: "votes spread by random push-pull: who knows what when is random, and each agent decides alone; only its message count has a law",
  },
  deciders: "all",
  // Every member calls. Exact: every round each member starts a push-pull (two
  // messages, each merging up to n votes: about n/40 events' worth, measured at
  // n = 33 and 200) and a round timer. Push-sum: one push a round, of O(choices).
  workPerItem: (o, n) => {
    const until = untilOf(o);
    const rounds = until === "rounds" ? (o.rounds ?? defaultRounds(n)) : o.max_rounds;
    if (o.mode === "push-sum") return { calls: n, messages: n * rounds, steps: n * rounds };
    return { calls: n, messages: 2 * n * rounds, steps: n * rounds + (2 * n * rounds * n) / 40 };
  },
  create: (rt, o) => {
    const nodes = rt.nodes<Msgs>();
    const n = nodes.length;
    const questions = rt.questions.items;
    const until = untilOf(o);
    const pushSum = o.mode === "push-sum";
    const rounds = o.rounds ?? defaultRounds(n);
    // Push-sum decides on stability only after Kempe et al.'s O(log n + log 1/ε) rounds:
    // before, an agent that met few peers can look stable far from the average.
    const minRounds = Math.ceil(Math.log2(Math.max(1, n))) + Math.ceil(Math.log2(1 / o.tolerance));
    const choices = Math.max(2, ...questions.map((q) => q.choices));
    const peers = nodes.map((a) => rt.stream(`agent/${a.index}/gossip`));
    const forge: ReturnType<typeof rt.stream>[] = []; // equivocators' streams, made on first use
    // A common coin per item, shared by all agents, so equal known sets break ties equally.
    const tiebreak = rt.stream("protocol/gossip/tiebreak");
    const coin = questions.map(() => tiebreak.next());
    // Per item: rounds gossiped, last round measured (Infinity once all votes had spread),
    // whether one vote had; answers an equivocating agent sent (proposals, recorded once).
    const items = questions.map(() => ({ rounds: 0, measured: -1, rumor: false }));
    const forged = questions.map(() => new Set<number>());
    const views = nodes.map(() => new Map<number, View>());
    // Push-sum measurements (trace only): the votes cast, and mass sent and not yet received.
    const cast = questions.map(() => ({ sum: new Float64Array(choices), weight: 0 }));
    const flying = questions.map(() => ({ sum: new Float64Array(choices), weight: 0 }));
    const converged = questions.map(() => false);
    const perfect = rt.failureDetector === "perfect";
    const watchers = perfect ? nodes.slice(0, PERFECT_WATCHERS) : nodes;
    const fds = watchers.map((a) => rt.detector(a));
    const fd = (a: number): FailureDetector => fds[perfect ? a % fds.length : a];
    // The item each agent is on (answering, waiting or gossiping; -1: none yet). It only
    // grows, except that a recovered agent restarts at `next`, which is past anything
    // it could still owe: an agent on a later item will never answer an earlier one.
    const at = nodes.map(() => -1);
    let next = 0; // the lowest item nobody gossips yet (items start in order)
    let gossiping = 0; // processes gossiping; the detectors stop once the last item is done

    function answer(node: Node<Msgs>, k: number): void {
      const q = questions[k];
      if (q === undefined) return;
      at[node.index] = k;
      moved(node.index);
      rt.history.open(k, rt.now);
      const request = { inputTokens: q.promptTokens, pRef: q.pRef, choices: q.choices, label: k };
      node.call(request, (r) => {
        if (r.ok) rt.history.propose(k, r.answer);
        const vote = r.ok ? r.answer : ABSTAIN;
        const v: View = { item: k, log: null, mass: null, synced: false };
        if (pushSum) {
          v.mass = new PushSum(choices, vote);
          if (rt.trace.enabled) {
            if (vote >= 0) cast[k].sum[vote]++;
            cast[k].weight++;
          }
        } else {
          v.log = new VoteLog(n, choices);
          v.log.learn(node.index, vote);
        }
        views[node.index].set(k, v);
        moved(node.index);
        wait(node.index, v);
        tryStart();
      });
    }

    // Round barrier: an agent gossips the item it answered once every agent it does not
    // suspect has answered it (one that was wrongly suspected and answers late joins at once).
    // An agent already on a later item is not waited for: it skipped this one (it was down
    // when the item started and rejoined past it), so waiting for it would stall the
    // team for good, and the agent waiting on it with everyone behind it.
    //
    // Checked incrementally, so a barrier of n agents costs O(n) and not O(n²) per
    // answer: an agent's scan stops at the first agent b that holds it up and it
    // waits on b. Until a recovery or a change of suspicion, b's condition only ever
    // turns true (it answers, or moves past the item), so agents before b need no
    // second look, and only a change of b (or of a suspicion) can make it ready.
    // Waiting agents are re-examined at the next tryStart, in index order, as if all
    // were scanned afresh each time.
    const waiting: (View | undefined)[] = nodes.map(() => undefined);
    const scanned = new Int32Array(n); // agents before this one do not hold it up
    const heldBy = new Int32Array(n).fill(-1); // the agent it waits on (-1: none)
    const holders: number[][] = nodes.map(() => []); // agents that may wait on each agent
    const dirty = new Set<number>(); // agents to re-examine at the next tryStart
    const passes = (a: number, b: number, k: number) =>
      views[b].has(k) || at[b] > k || fd(a).suspects(nodes[b]);
    // With the perfect detector everyone's barrier is the same: agents that pass for
    // one pass for all, so a newcomer need not scan them again (O(n) per item in all).
    const passed = new Map<number, number>(); // item -> agents before this one pass
    function ready(a: number, k: number): boolean {
      let b = perfect ? Math.max(scanned[a], passed.get(k) ?? 0) : scanned[a];
      while (b < n && passes(a, b, k)) b++;
      scanned[a] = b;
      if (perfect) passed.set(k, b);
      if (b === n) return true;
      if (heldBy[a] !== b) holders[b].push(a);
      heldBy[a] = b;
      return false;
    }
    function wait(a: number, v: View): void {
      waiting[a] = v;
      scanned[a] = 0;
      dirty.add(a);
    }
    // Agent b answered, moved on or changed: whoever waits on it looks again.
    function moved(b: number): void {
      for (const a of holders[b])
        if (heldBy[a] === b) {
          heldBy[a] = -1;
          dirty.add(a);
        }
      holders[b] = [];
    }
    // Agent b may hold up again those that had passed it (a recovery, trust regained).
    function regressed(b: number, among: readonly number[]): void {
      passed.clear();
      for (const a of among) {
        if (waiting[a] === undefined) continue;
        scanned[a] = Math.min(scanned[a], b);
        dirty.add(a);
      }
    }
    const everyone = nodes.map((a) => a.index);
    function tryStart(): void {
      if (dirty.size === 0) return;
      const look = [...dirty].sort((x, y) => x - y);
      dirty.clear();
      for (const i of look) {
        const v = waiting[i];
        if (v === undefined || !ready(i, v.item)) continue;
        waiting[i] = undefined;
        heldBy[i] = -1;
        const a = nodes[i];
        if (v.item >= next) measure(a, v.item, 0);
        next = Math.max(next, v.item + 1);
        a.spawn(pushSum ? pushSumOn(a, v) : exactOn(a, v));
      }
    }

    // Exact: agent `node` gossips its view's item round by round until it decides or gives up, then goes on.
    function* exactOn(node: Node<Msgs>, v: View): ProcessBody {
      const item = items[v.item];
      const log = v.log as VoteLog;
      let quiet = 0; // rounds in a row without news but with proof of being in sync
      let last = 0;
      gossiping++;
      try {
        for (let r = 1; until === "converged" || r <= rounds; r++) {
          if (r > item.rounds) rt.counters.rounds++;
          item.rounds = Math.max(item.rounds, r);
          // One draw per round: a peer uniform over the other n-1 agents (it cannot know who crashed).
          const peer = n > 1 ? peers[node.index].int(n - 1) : -1;
          if (peer >= 0) send(node, nodes[peer < node.index ? peer : peer + 1], "push", v);
          yield* node.sleep(o.round_s);
          measure(node, v.item, r);
          if (until === "rounds") continue;
          // A round counts as quiet only if it brought no news AND the agent met a peer
          // that knew exactly the same votes: a round whose messages were all lost (or
          // went to crashed peers) proves nothing and leaves the count where it was.
          quiet = log.count !== last ? 0 : quiet + Number(v.synced);
          last = log.count;
          v.synced = false;
          if (quiet >= o.quiet_rounds && log.count > n / 2) break; // it knows a majority
          if (r >= o.max_rounds) return answer(node, v.item + 1); // it gives up: no decision
        }
        rt.decide(node, v.item, plurality(log.votes, coin[v.item]), { known: log.count });
        answer(node, v.item + 1);
      } finally {
        done();
      }
    }

    // Push-sum: agent `node` pushes half its mass each round until its estimate settles
    // (or the rounds are up), then decides the answer of largest share and goes on.
    function* pushSumOn(node: Node<Msgs>, v: View): ProcessBody {
      const item = items[v.item];
      const mass = v.mass as PushSum;
      let quiet = 0; // rounds in a row that brought mass and moved no share by `tolerance`
      gossiping++;
      try {
        for (let r = 1; ; r++) {
          if (r > item.rounds) rt.counters.rounds++;
          item.rounds = Math.max(item.rounds, r);
          const peer = n > 1 ? peers[node.index].int(n - 1) : -1;
          if (peer >= 0) push(node, nodes[peer < node.index ? peer : peer + 1], v);
          yield* node.sleep(o.round_s);
          measure(node, v.item, r);
          if (until === "rounds") {
            if (r >= rounds) break;
            continue;
          }
          // Alone, its estimate is exact at once; otherwise a round without mass proves nothing.
          const change = n > 1 ? mass.settle() : 0;
          if (change !== null) quiet = change < o.tolerance ? quiet + 1 : 0;
          if (r >= minRounds && quiet >= o.quiet_rounds) break;
          if (r >= o.max_rounds) break; // decides what it has
        }
        const choice = mass.argmax(coin[v.item]);
        const share = choice >= 0 ? mass.estimate()[choice] : 0;
        rt.decide(node, v.item, choice, { share, weight: mass.weight });
        answer(node, v.item + 1);
      } finally {
        done();
      }
    }

    function done(): void {
      if (--gossiping === 0 && next === items.length) for (const d of fds) d.stop();
    }

    function send(node: Node<Msgs>, to: Node<Msgs>, kind: "push" | "pull", v: View): void {
      const log = v.log as VoteLog;
      const votes: Votes = { item: v.item, log, count: log.count, liar: -1, lie: 0 };
      if (rt.behaviourOf(node) === "equivocating") {
        // Its own entry differs from message to message; honest agents keep the first they hear.
        const lie = forgery(node).int(questions[v.item].choices);
        votes.liar = node.index;
        votes.lie = lie;
        if (!forged[v.item].has(lie)) rt.history.propose(v.item, lie);
        forged[v.item].add(lie);
      }
      node.send(to, kind, votes, VOTE_TOKENS * log.count);
    }

    function push(node: Node<Msgs>, to: Node<Msgs>, v: View): void {
      const half = (v.mass as PushSum).split();
      if (rt.behaviourOf(node) === "equivocating") {
        // It claims its whole pushed weight voted for a fresh random answer.
        const lie = forgery(node).int(questions[v.item].choices);
        half.sum.fill(0);
        half.sum[lie] = half.weight;
        if (!forged[v.item].has(lie)) rt.history.propose(v.item, lie);
        forged[v.item].add(lie);
      }
      if (rt.trace.enabled) add(flying[v.item], half.sum, half.weight);
      const mass: Mass = { item: v.item, sum: half.sum, weight: half.weight };
      node.send(to, "mass", mass, MASS_TOKENS * (choices + 1));
    }

    function forgery(node: Node<Msgs>) {
      forge[node.index] ??= rt.stream(`agent/${node.index}/equivocate`);
      return forge[node.index];
    }

    // Measurements, not part of the protocol (their trace events only).
    function measure(by: Node<Msgs>, k: number, r: number): void {
      const item = items[k];
      if (!rt.trace.enabled || item.measured >= r) return;
      item.measured = r;
      const live = nodes.filter((a) => views[a.index].has(k) && !fd(by.index).suspects(a));
      const part = live.map((a) => views[a.index].get(k) as View);
      if (pushSum) measureMass(k, r, part);
      else measureVotes(k, r, live, part);
    }

    // Exact: the first round boundary at which each live participant (as `by` sees it)
    // knows every entry any of them knows (all-to-all spread), and at which all know the
    // lowest one's entry (one rumor: log3 n + O(log log n), Karp et al. 2000).
    function measureVotes(k: number, r: number, live: Node<Msgs>[], part: View[]): void {
      const logs = part.map((v) => v.log as VoteLog);
      const event = (type: string) => rt.trace.record({ t: rt.now, type, item: k, round: r });
      const item = items[k];
      if (!item.rumor && logs.every((l) => l.knows(live[0].index))) {
        item.rumor = true;
        event("gossip_rumor");
      }
      // All know the union iff all know the same set: equal sizes, each a subset of the first.
      const first = logs[0];
      const same =
        first === undefined ||
        logs.every(
          (l) => l.count === first.count && l.order.subarray(0, l.count).every(first.knows, first),
        );
      if (same) {
        item.measured = Infinity;
        event("gossip_full");
      }
    }

    // Push-sum: the mass live agents hold and the mass in flight (sent, not received:
    // lost messages stay here), and the largest error of an estimate against the
    // shares of the votes cast.
    function measureMass(k: number, r: number, part: View[]): void {
      const held = { sum: new Float64Array(choices), weight: 0 };
      const truth = cast[k].sum.map((s) => s / cast[k].weight);
      let error = 0;
      for (const v of part) {
        const m = v.mass as PushSum;
        add(held, m.sum, m.weight);
        if (m.weight <= 0) continue;
        const e = m.estimate();
        for (let c = 0; c < choices; c++) error = Math.max(error, Math.abs(e[c] - truth[c]));
      }
      rt.trace.record({
        t: rt.now,
        type: "gossip_mass",
        item: k,
        round: r,
        mass: [...held.sum],
        weight: held.weight,
        in_flight: [...flying[k].sum],
        in_flight_weight: flying[k].weight,
        error,
      });
      if (!converged[k] && error < o.tolerance) {
        converged[k] = true;
        rt.trace.record({ t: rt.now, type: "gossip_converged", item: k, round: r });
      }
    }

    for (const node of nodes) {
      for (const kind of ["push", "pull"] as const)
        node.on(kind, ({ item, log, count, liar, lie }, from) => {
          const v = views[node.index].get(item);
          if (v === undefined) return;
          // Pull: the reply to a push carries what the peer knew before this exchange.
          if (kind === "push") send(node, from, "pull", v);
          if ((v.log as VoteLog).merge(log, count, liar, lie)) v.synced = true;
        });
      node.on("mass", ({ item, sum, weight }) => {
        if (rt.trace.enabled) add(flying[item], sum, weight, -1);
        views[node.index].get(item)?.mass?.absorb(sum, weight);
      });
    }
    fds.forEach((d, i) =>
      d.onChange((b, suspected) => {
        // A perfect detector speaks for everyone; a timeout detector for its watcher.
        const among = perfect ? everyone : [i];
        if (suspected) moved(b.index);
        else regressed(b.index, among);
        for (const a of among) if (waiting[a] !== undefined) dirty.add(a);
        tryStart();
      }),
    );
    return {
      start: () => nodes.forEach((node) => answer(node, 0)),
      recover: (node) => {
        views[node.index].clear();
        waiting[node.index] = undefined;
        heldBy[node.index] = -1;
        // It no longer holds a view of anything: those that had passed it look again.
        regressed(node.index, everyone);
        answer(nodes[node.index], next);
      },
    };
  },
};

/** Adds `sign` times (sum, weight) to an accumulator. */
function add(
  to: { sum: Float64Array; weight: number },
  sum: ArrayLike<number>,
  weight: number,
  sign = 1,
): void {
  for (let c = 0; c < to.sum.length; c++) to.sum[c] += sign * (sum[c] ?? 0);
  to.weight += sign * weight;
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
  const tied: number[] = [];
  tally.forEach((c, a) => c === top && tied.push(a));
  return tied[Math.floor(coin * tied.length)] ?? -1;
}
