import { z } from "zod";
import type { Node } from "../runtime/Node.js";
import { PENDING, type ProcessBody } from "../runtime/Process.js";
import { VoteCollector } from "../runtime/VoteCollector.js";
import type { ProtocolModule } from "./Protocol.js";

const prob = z.number().min(0).max(1);

const schema = z.strictObject({
  protocol: z.literal("debate"),
  rounds: z.number().int().min(0).default(2).meta({
    description: "debate rounds after the independent first answer (0: plain independent voting)",
  }),
  conformity: prob.default(0.3).meta({
    description: "per round, probability of adopting the most common answer among the peers",
  }),
  sycophancy: prob.default(0).meta({
    description: "per round, probability of adopting a random peer's answer (checked first)",
  }),
  aggregate: z.enum(["majority", "plurality"]).default("majority").meta({
    description:
      "the coordinator's rule: majority (more than half, else no answer) or plurality (ties at random)",
  }),
  round_timeout_s: z.number().positive().nullable().default(null).meta({
    description:
      "how long an agent waits for its peers' answers in a round; null: for every live peer (a lost message stalls)",
  }),
});

// Node name of the coordinator that collects the final answers (not an LLM: it only counts).
const COORDINATOR = "coordinator";

type Msgs = {
  /** An agent's answer on `item`, read by its peers in round `round` (1..R); -1: none. */
  answer: { item: number; round: number; answer: number; tokens: number };
  /** An agent's final answer on `item`, to the coordinator. */
  final: { item: number; answer: number };
};

// Multi-agent debate (Du et al. 2023): every agent answers; then, in R synchronous rounds,
// every agent sends its answer to every other, reads all of theirs (its prompt grows with
// each round) and keeps its answer or switches under social pressure. A coordinator (not an
// LLM) collects the final answers and decides. Nobody waits for a node it suspects.
// Rejoining: a recovered agent joins the first item (from the one it had reached) whose
// first-round answers it holds from every peer it trusts and believes to be debating (the
// next item they begin: they send a trusted agent everything) and debates from there on. Its
// peers and the coordinator wait for it again from the first item it sends them something on.
/** `debate`: agents answer, then revise over R all-to-all rounds; a coordinator takes the vote. */
export const debate: ProtocolModule<typeof schema> = {
  name: "debate",
  summary:
    "agents answer, then exchange answers all-to-all for R synchronous rounds, conforming or deferring to peers; final vote",
  schema,
  tasks: ["questions"],
  extraNodes: [COORDINATOR],
  example: "scenarios/debate.yaml",
  law: {
    fits: {
      messages: (team) => ({
        params: { topology: "all-to-all", rounds: team.rounds },
        extraPerItem: (n) => n,
        notes: ["debate: plus n final answers per item to the coordinator (not in the law)"],
      }),
      tokens: (team) => ({ params: { topology: "debate", rounds: team.rounds } }),
    },
    none: "peer pressure makes the votes dependent round by round (opinion dynamics)",
  },
  roles: (_o, n) => Array.from({ length: n }, () => "debater"),
  // n calls per round; n(n-1) answers per debate round and n final answers; an
  // agent checks every peer on each answer it receives (n³ steps per round).
  workPerItem: (o, n) => ({
    calls: n * (o.rounds + 1),
    messages: n * (n - 1) * o.rounds + n,
    steps: (n * n * n * o.rounds) / 200,
  }),
  create: (rt, options) => {
    const agents = rt.nodes<Msgs>();
    const coordinator = rt.node<Msgs>(COORDINATOR);
    const items = rt.questions.items;
    const n = agents.length;
    const R = options.rounds;
    const tiebreak = rt.stream("protocol/debate/tiebreak");
    const counts = items.map((q) => q.choices);
    const ballots = new VoteCollector(n, counts, options.aggregate, tiebreak);
    const roundsRun = new Int32Array(items.length);
    const key = (item: number, round: number) => item * (R + 1) + round;
    const debater = (node: Node<Msgs>) => {
      const detector = rt.detector(node);
      const rng = rt.stream(`agent/${node.index}/debate`);
      // Volatile state, lost in a crash but for `item` (where a recovered agent looks for a debate).
      let item = 0;
      let useFrom = 1; // the first round of `item` whose answers are still of use (earlier: late)
      let inbox = new Map<number, (Msgs["answer"] | undefined)[]>(); // (item, round) -> by peer
      let joined: number[] = new Array(n).fill(0); // peer j debates from item joined[j] (∞: unknown)
      let wake: ((v: unknown) => void) | null = null; // resumes its wait, to check again
      // Whether it holds round `round`'s answer on item k from every peer it waits for.
      const complete = (k: number, round: number): boolean => {
        const heard = inbox.get(key(k, round));
        const waitsFor = (p: Node) => p !== node && !detector.suspects(p) && joined[p.index] <= k;
        return agents.every((p) => !waitsFor(p) || heard?.[p.index] !== undefined);
      };
      // Waits until `ready()` holds (checked again whenever the agent is woken) or `timeoutS` passes.
      function* until(ready: () => boolean, timeoutS: number | null): ProcessBody {
        const timer = timeoutS === null ? null : node.after(timeoutS, () => wake?.("timeout"));
        while (!ready()) {
          const why = yield {
            start: (resume) => {
              wake = resume;
              return PENDING;
            },
            cancel: () => {},
          };
          if (why === "timeout") break;
        }
        timer?.cancel();
      }
      // Keep or switch, with four draws every time so an agent's stream stays aligned.
      const revise = (own: number, peers: readonly number[], m: number): number => {
        const [uSycophancy, uConformity, uTie, uPeer] = [0, 0, 0, 0].map(() => rng.next());
        if (peers.length === 0) return own;
        if (uSycophancy < options.sycophancy) return peers[Math.floor(uPeer * peers.length)];
        if (uConformity < options.conformity) {
          const tally: number[] = new Array(m).fill(0);
          for (const a of peers) tally[a]++;
          const top = Math.max(...tally);
          const tied = tally.flatMap((c, a) => (c === top ? [a] : []));
          return tied[Math.floor(uTie * tied.length)];
        }
        return own;
      };
      // Item after item: answer alone (round 0), then R rounds of sharing the answer, reading
      // every peer's and answering again; the last answer goes to the coordinator. A recovered
      // agent starts from fresh volatile state and first waits for an item it can join.
      function* run(joining: boolean): ProcessBody {
        if (joining) [useFrom, inbox, joined, wake] = [1, new Map(), new Array(n).fill(0), null];
        const joinAt = () => items.findIndex((_, k) => k >= item && (R === 0 || complete(k, 1)));
        let first = item;
        if (joining) yield* until(() => (first = joinAt()) >= 0, null);
        for (let k = first; k < items.length; k++) {
          const { promptTokens, pRef, choices } = items[k];
          [item, useFrom] = [k, 1];
          let r = yield* node.call({ inputTokens: promptTokens, pRef, choices, label: `${k}/r0` });
          if (r.ok) rt.history.propose(k, r.answer);
          let answer = r.ok ? r.answer : -1;
          let context = 0;
          for (let round = 1; round <= R; round++) {
            const mine = { item: k, round, answer, tokens: r.outputTokens };
            const trusted = agents.filter((p) => !detector.suspects(p));
            node.broadcast("answer", mine, mine.tokens, trusted, true);
            yield* until(() => complete(k, round), options.round_timeout_s);
            const heard = (inbox.get(key(k, round)) ?? []).filter((h) => h !== undefined);
            inbox.delete(key(k, round));
            useFrom = round + 1;
            for (const h of heard) context += h.tokens;
            const peers = heard.map((h) => h.answer).filter((a) => a >= 0);
            const next = revise(answer, peers, choices);
            r = yield* node.call({ inputTokens: promptTokens + context, label: `${k}/r${round}` });
            // A failed call leaves the agent with the answer it had.
            if (r.ok) answer = next;
            rt.counters.rounds += Math.max(0, round - roundsRun[k]);
            roundsRun[k] = Math.max(roundsRun[k], round);
          }
          node.sendReliably(coordinator, "final", { item: k, answer }, r.outputTokens);
        }
        item = items.length;
        detector.stop();
      }
      detector.onChange((p, suspected) => {
        if (!suspected) joined[p.index] = Number.POSITIVE_INFINITY;
        wake?.(0);
      });
      node.on("answer", (a, p) => {
        joined[p.index] = Math.min(joined[p.index], a.item);
        // A late answer for a round this agent has already left (or timed out of) is of no use to it.
        if (a.item < item || (a.item === item && a.round < useFrom)) return;
        const heard = inbox.get(key(a.item, a.round)) ?? new Array(n);
        inbox.set(key(a.item, a.round), heard);
        heard[p.index] = a;
        wake?.(0);
      });
      return { start: () => node.spawn(run(false)), recover: () => node.spawn(run(true)) };
    };
    const debaters = agents.map(debater);

    // The coordinator's view: from[i], the first item it expects agent i's final answer on.
    const from: number[] = new Array(n).fill(0);
    const detector = rt.detector(coordinator);
    const tryDecide = (k: number): void => {
      const missing = (a: Node) => !ballots.hasVoted(k, a.index) && from[a.index] <= k;
      // Nobody left to answer and nobody answered: the item stays undecided.
      if (agents.some((a) => missing(a) && !detector.suspects(a)) || ballots.responses(k) === 0)
        return;
      const tally = ballots.tally(k);
      // A plurality always draws, even when no final answer carries an answer.
      if (options.aggregate === "plurality" && Math.max(...tally) === 0) tiebreak.int(tally.length);
      rt.decide(coordinator, k, ballots.decide(k), { tally });
      if (ballots.done) detector.stop();
    };
    coordinator.on("final", ({ item, answer }, a) => {
      from[a.index] = Math.min(from[a.index], item);
      if (ballots.add(item, a.index, answer)) tryDecide(item);
    });
    detector.onChange((a, suspected) => {
      if (!suspected) from[a.index] = Number.POSITIVE_INFINITY;
      else for (let k = 0; k < items.length; k++) if (!ballots.isDecided(k)) tryDecide(k);
    });
    return {
      start: () => debaters.forEach((d) => d.start()),
      // The coordinator keeps its ballots and only reacts: nothing to restart.
      recover: (node) => debaters[node.index]?.recover(),
    };
  },
};
