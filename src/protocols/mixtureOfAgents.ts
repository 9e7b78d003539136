import { z } from "zod";
import type { CallResult } from "../agents/MockLLM.js";
import type { Node } from "../runtime/Node.js";
import type { Runtime } from "../runtime/Runtime.js";
import type { ProtocolModule } from "./Protocol.js";

const prob = z.number().min(0).max(1);

const schema = z.strictObject({
  protocol: z.literal("mixture-of-agents"),
  layers: z.number().int().min(1).default(2).meta({
    description:
      "layers of proposers: layer 1 answers alone, each later layer reads every answer of the layer before",
  }),
  conformity: prob.default(0.5).meta({
    description:
      "probability that a reader (a later proposer, or the aggregator) adopts the most common answer it read instead of its own",
  }),
});

type Options = z.output<typeof schema>;

// The most common of `answers` (>= 0), ties broken by `u` in [0, 1); -1 if none.
function plurality(answers: readonly number[], u: number): number {
  const tally = new Map<number, number>();
  for (const a of answers) if (a >= 0) tally.set(a, (tally.get(a) ?? 0) + 1);
  if (tally.size === 0) return -1;
  const top = Math.max(...tally.values());
  const tied = [...tally.keys()].filter((a) => tally.get(a) === top).sort((x, y) => x - y);
  return tied[Math.floor(u * tied.length)];
}

// Mixture-of-Agents (Wang et al. 2024, "Mixture-of-Agents Enhances Large Language
// Model Capabilities"): agent-0..agent-(n-2) are the proposers, agent-(n-1) the
// aggregator. Item after item, layer 1's proposers answer alone; in each later
// layer every proposer answers again with the previous layer's answers in its
// prompt (the prompt grows by their output tokens) and, with probability
// `conformity`, adopts their most common answer; the aggregator reads the last
// layer the same way and its answer is the team's. Every call of a layer runs at
// once; a layer waits for the calls of every proposer the aggregator's failure
// detector does not suspect (one that is down, or whose call gave up, contributes
// no answer). The aggregator runs the
// schedule; it resumes at the first undecided item after a crash.
function create(rt: Runtime, o: Options) {
  const nodes = rt.nodes();
  const n = nodes.length;
  const aggregator = nodes[n - 1];
  const proposers = nodes.slice(0, n - 1);
  const items = rt.questions.items;
  const draws = nodes.map((a) => rt.stream(`agent/${a.index}/moa`));
  let epoch = 0; // bumped when the aggregator restarts: older callbacks are dropped
  const detector = rt.detector(aggregator, proposers);
  // The layer the aggregator is waiting on.
  let current: { drop(p: Node): void } | null = null;
  detector.onChange((p, suspected) => {
    if (suspected) current?.drop(p);
  });

  // One reader's answer: its own, or (conformity) the plurality of what it read.
  const revise = (reader: Node, own: CallResult, read: readonly number[]): number => {
    const [uConform, uTie] = [draws[reader.index].next(), draws[reader.index].next()];
    const mine = own.ok ? own.answer : -1;
    if (read.length === 0 || uConform >= o.conformity) return mine;
    return plurality(read, uTie);
  };

  function item(k: number, run: number): void {
    if (run !== epoch) return;
    // Done: the detector stops, so that the run can go quiescent.
    if (k >= items.length) return detector.stop();
    const q = items[k];
    rt.history.open(k, rt.now);
    const ask = (who: Node, extraTokens: number, done: (r: CallResult) => void) =>
      who.call(
        {
          inputTokens: q.promptTokens + extraTokens,
          pRef: q.pRef,
          choices: q.choices,
          label: k,
        },
        done,
      );
    const layer = (l: number, read: readonly number[], readTokens: number): void => {
      if (l > o.layers) {
        ask(aggregator, readTokens, (r) => {
          if (run !== epoch) return;
          if (r.ok) rt.history.propose(k, r.answer);
          rt.decide(aggregator, k, revise(aggregator, r, read), { layers: o.layers });
          item(k + 1, run);
        });
        return;
      }
      const answers: number[] = [];
      let tokens = 0;
      // The proposers it waits for: those its failure detector does not suspect; one
      // suspected meanwhile (crashed mid-call) is dropped from the wait.
      const pending = new Set(proposers.filter((p) => !detector.suspects(p)));
      const next = () => {
        if (pending.size > 0 || current !== wait) return;
        current = null;
        layer(l + 1, answers, tokens);
      };
      const wait = { drop: (p: Node) => pending.delete(p) && next() };
      current = wait;
      for (const p of [...pending]) {
        ask(p, readTokens, (r) => {
          if (run !== epoch || !pending.delete(p)) return;
          if (r.ok) {
            rt.history.propose(k, r.answer);
            const a = l === 1 ? r.answer : revise(p, r, read);
            if (a >= 0) answers.push(a);
            tokens += r.outputTokens;
          }
          next();
        });
      }
      next();
    };
    layer(1, [], 0);
  }

  const resume = () => {
    const run = ++epoch;
    aggregator.run(() => item(rt.history.settled, run));
  };
  return {
    start: resume,
    recover(node: Node) {
      if (node === aggregator) resume();
    },
  };
}

/** `mixture-of-agents`: layers of proposers, each reading the previous layer's answers; an aggregator decides. */
export const mixtureOfAgents: ProtocolModule<typeof schema> = {
  name: "mixture-of-agents",
  summary:
    "layers of proposers (agent-0..n-2), each layer reading the previous layer's answers (the prompt grows); the aggregator (agent-(n-1)) reads the last layer and decides",
  schema,
  tasks: ["questions"],
  example: "scenarios/mixture-of-agents.yaml",
  law: {
    none: "readers adopt the plurality they read: the layers' votes are dependent (opinion dynamics)",
  },
  roles: (_o, n) => Array.from({ length: n }, (_, i) => (i === n - 1 ? "aggregator" : "proposer")),
  checkTeam: (_o, n) =>
    n < 2
      ? [{ field: "protocol", expected: "a team of at least 2 (proposers and an aggregator)" }]
      : [],
  // Every proposer calls in every layer, then the aggregator; each reader reads
  // the layer before.
  workPerItem: (o, n) => ({ calls: o.layers * n + 1, messages: 0, steps: o.layers * n }),
  create,
};
