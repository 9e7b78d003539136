import { z } from "zod";
import type { Node } from "../runtime/Node.js";
import type { ProcessBody } from "../runtime/Process.js";
import type { ProtocolModule } from "./Protocol.js";

const schema = z.strictObject({
  protocol: z.literal("gossip"),
  round_s: z.number().positive().default(1).meta({
    description: "length of a gossip round (s): every live agent starts one push-pull per round",
  }),
  until: z.enum(["rounds", "converged"]).default("rounds").meta({
    description:
      "rounds: decide after `rounds` rounds per item; converged: once a majority is known and quiet_rounds bring no news (give up after max_rounds)",
  }),
  rounds: z.number().int().min(1).optional().meta({
    description: "gossip rounds per item with until: rounds (default ceil(log2 n) + 3)",
  }),
  quiet_rounds: z.number().int().min(1).default(3).meta({
    description: "with until: converged, rounds without news before an agent decides",
  }),
  max_rounds: z.number().int().min(1).default(30).meta({
    description: "with until: converged, rounds after which an agent gives up on the item",
  }),
});

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

/** votes[j] = what the sender says agent j answered on `item` (UNKNOWN if it does not know). */
type Votes = { item: number; votes: Int32Array };
type Msgs = { push: Votes; pull: Votes };

/** What one agent knows of one item (volatile: lost in a crash); `synced`: see the quiet rounds. */
type View = Votes & { count: number; synced: boolean };

// Push-pull epidemic aggregation (Demers et al. 1987; Karp et al. 2000), one item
// after another. Every agent answers the item with an LLM call; gossip starts once
// every live agent has answered (the synchronous model's round barrier: an agent
// waits for those its failure detector does not suspect; with the default perfect
// detector all start together). Then each round every agent sends its known votes
// to a peer drawn uniformly from the others, which replies with its own; both merge
// them (the first value heard for an agent stays). In the end each agent decides
// the plurality of what it knows, goes on to the next item and still answers
// pushes about this one. An equivocating agent tells each peer a fresh random
// answer for its own vote (other Byzantine behaviours are its model's or the
// network's). Trace: `gossip_rumor`, `gossip_full` (rounds until one vote, or all).
//
// Rejoining: views are volatile, decisions durable (the history). A recovered
// agent starts afresh at the first item nobody gossips yet: it answers it with a
// new call, the barrier waits for it, and it gossips and decides from then on. The
// items it skipped hold nobody up: an agent finishing one of them late (its answer
// came after the others had moved on) gossips it with whoever still holds a view.
/** `gossip`: push-pull epidemic aggregation of the agents' answers, decided by plurality. */
export const gossip: ProtocolModule<typeof schema> = {
  name: "gossip",
  summary:
    "every agent answers, then push-pull gossip rounds spread the votes (O(log n) rounds); each agent decides the plurality it knows",
  schema,
  tasks: ["questions"],
  example: "scenarios/gossip.yaml",
  law: {
    none: "votes spread by random push-pull: who knows what when is random, and each agent decides alone; only its message count has a law",
  },
  deciders: "all",
  // Every member calls; every round each member starts a push-pull (two
  // messages, each carrying and merging n votes: about n/40 events' worth,
  // measured at n = 33 and 200) and a round timer.
  workPerItem: (o, n) => {
    const rounds = o.until === "rounds" ? (o.rounds ?? defaultRounds(n)) : o.max_rounds;
    return { calls: n, messages: 2 * n * rounds, steps: n * rounds + (2 * n * rounds * n) / 40 };
  },
  create: (rt, o) => {
    const nodes = rt.nodes<Msgs>();
    const n = nodes.length;
    const questions = rt.questions.items;
    const rounds = o.rounds ?? defaultRounds(n);
    const peers = nodes.map((a) => rt.stream(`agent/${a.index}/gossip`));
    const forge = nodes.map((a) => rt.stream(`agent/${a.index}/equivocate`));
    // A common coin per item, shared by all agents, so equal known sets break ties equally.
    const tiebreak = rt.stream("protocol/gossip/tiebreak");
    const coin = questions.map(() => tiebreak.next());
    // Per item: rounds gossiped, last round measured (Infinity once all votes had spread),
    // whether one vote had; answers an equivocating agent sent (proposals, recorded once).
    const items = questions.map(() => ({ rounds: 0, measured: -1, rumor: false }));
    const forged = questions.map(() => new Set<number>());
    const views = nodes.map(() => new Map<number, View>());
    const fds = nodes.map((a) => rt.detector(a));
    const waiting = new Map<Node<Msgs>, View>(); // agents at the barrier of the item they answered
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
      rt.history.open(k, rt.now);
      const request = { inputTokens: q.promptTokens, pRef: q.pRef, choices: q.choices, label: k };
      node.call(request, (r) => {
        if (r.ok) rt.history.propose(k, r.answer);
        const v = { item: k, votes: new Int32Array(n).fill(UNKNOWN), count: 1, synced: false };
        v.votes[node.index] = r.ok ? r.answer : ABSTAIN;
        views[node.index].set(k, v);
        waiting.set(node, v);
        tryStart();
      });
    }

    // Round barrier: an agent gossips the item it answered once every agent it does not
    // suspect has answered it (one that was wrongly suspected and answers late joins at once).
    // An agent already on a later item is not waited for: it skipped this one (it was down
    // when the item started and rejoined past it), so waiting for it would stall the
    // team for good, and the agent waiting on it with everyone behind it.
    const ready = (a: Node<Msgs>, k: number) =>
      nodes.every((b) => views[b.index].has(k) || at[b.index] > k || fds[a.index].suspects(b));
    function tryStart(): void {
      for (const a of nodes) {
        const v = waiting.get(a);
        if (v === undefined || !ready(a, v.item)) continue;
        waiting.delete(a);
        if (v.item >= next) measure(a, v.item, 0);
        next = Math.max(next, v.item + 1);
        a.spawn(gossipOn(a, v));
      }
    }

    // Agent `node` gossips its view's item round by round until it decides or gives up, then goes on.
    function* gossipOn(node: Node<Msgs>, v: View): ProcessBody {
      const item = items[v.item];
      let quiet = 0; // rounds in a row without news but with proof of being in sync
      let last = 0;
      gossiping++;
      try {
        for (let r = 1; o.until === "converged" || r <= rounds; r++) {
          if (r > item.rounds) rt.counters.rounds++;
          item.rounds = Math.max(item.rounds, r);
          // One draw per round: a peer uniform over the other n-1 agents (it cannot know who crashed).
          const peer = n > 1 ? peers[node.index].int(n - 1) : -1;
          if (peer >= 0) send(node, nodes[peer < node.index ? peer : peer + 1], "push", v);
          yield* node.sleep(o.round_s);
          measure(node, v.item, r);
          if (o.until === "rounds") continue;
          // A round counts as quiet only if it brought no news AND the agent met a peer
          // that knew exactly the same votes: a round whose messages were all lost (or
          // went to crashed peers) proves nothing and leaves the count where it was.
          quiet = v.count !== last ? 0 : quiet + Number(v.synced);
          last = v.count;
          v.synced = false;
          if (quiet >= o.quiet_rounds && v.count > n / 2) break; // it knows a majority
          if (r >= o.max_rounds) return answer(node, v.item + 1); // it gives up: no decision
        }
        rt.decide(node, v.item, plurality(v.votes, coin[v.item]), { known: v.count });
        answer(node, v.item + 1);
      } finally {
        if (--gossiping === 0 && next === items.length) for (const d of fds) d.stop();
      }
    }

    function send(node: Node<Msgs>, to: Node<Msgs>, kind: keyof Msgs, v: View): void {
      const votes = v.votes.slice();
      if (rt.behaviourOf(node) === "equivocating") {
        // Its own entry differs from message to message; honest agents keep the first they hear.
        const lie = forge[node.index].int(questions[v.item].choices);
        votes[node.index] = lie;
        if (!forged[v.item].has(lie)) rt.history.propose(v.item, lie);
        forged[v.item].add(lie);
      }
      node.send(to, kind, { item: v.item, votes }, VOTE_TOKENS * v.count);
    }

    function merge(v: View, votes: Int32Array): void {
      let same = true; // both sides knew the same agents' votes
      for (let j = 0; j < n; j++) {
        if ((v.votes[j] === UNKNOWN) === (votes[j] === UNKNOWN)) continue;
        same = false;
        if (v.votes[j] === UNKNOWN) v.count++;
        if (v.votes[j] === UNKNOWN) v.votes[j] = votes[j];
      }
      if (same) v.synced = true;
    }

    // Measurements, not part of the protocol: the first round boundary at which each live
    // participant (as `by` sees it) knows every entry any of them knows (all-to-all spread),
    // and at which all know the lowest one's entry (one rumor: log3 n + O(log log n), Karp).
    function measure(by: Node<Msgs>, k: number, r: number): void {
      const item = items[k];
      if (item.measured >= r) return;
      item.measured = r;
      const live = nodes.filter((a) => views[a.index].has(k) && !fds[by.index].suspects(a));
      const part = live.flatMap((a) => views[a.index].get(k) ?? []);
      const union = new Set<number>();
      for (const v of part) v.votes.forEach((x, j) => x !== UNKNOWN && union.add(j));
      const event = (type: string) => rt.trace.record({ t: rt.now, type, item: k, round: r });
      if (!item.rumor && part.every((v) => v.votes[live[0].index] !== UNKNOWN)) {
        item.rumor = true;
        event("gossip_rumor");
      }
      if (part.every((v) => v.count === union.size)) {
        item.measured = Infinity;
        event("gossip_full");
      }
    }

    for (const node of nodes)
      for (const kind of ["push", "pull"] as const)
        node.on(kind, ({ item, votes }, from) => {
          const v = views[node.index].get(item);
          if (v === undefined) return;
          // Pull: the reply to a push carries what the peer knew before this exchange.
          if (kind === "push") send(node, from, "pull", v);
          merge(v, votes);
        });
    for (const d of fds) d.onChange(() => tryStart());
    return {
      start: () => nodes.forEach((node) => answer(node, 0)),
      recover: (node) => {
        views[node.index].clear();
        waiting.delete(nodes[node.index]);
        answer(nodes[node.index], next);
      },
    };
  },
};

/**
 * The most common answer among `votes` (entries < 0 do not vote); ties go to
 * tied[floor(coin * |tied|)], the tied answers in index order; -1 if nobody voted.
 */
export function plurality(votes: ArrayLike<number>, coin: number): number {
  const tally: number[] = [];
  for (const v of Array.from(votes)) if (v >= 0) tally[v] = (tally[v] ?? 0) + 1;
  const top = Math.max(0, ...tally.filter((c) => c !== undefined));
  const tied = [...tally.keys()].filter((a) => tally[a] === top);
  return tied[Math.floor(coin * tied.length)] ?? -1;
}
