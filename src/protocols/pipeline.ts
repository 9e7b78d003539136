import { z } from "zod";
import { correctProbability } from "../agents/correctProbability.js";
import { work } from "../runtime/doSubtask.js";
import type { Node } from "../runtime/Node.js";
import type { Process, ProcessBody } from "../runtime/Process.js";
import type { Protocol, Runtime } from "../runtime/Runtime.js";
import type { ProtocolModule } from "./Protocol.js";

const StageSchema = z.enum(["planner", "coder", "reviewer"]);

const schema = z.strictObject({
  protocol: z.literal("pipeline"),
  stages: z
    .array(StageSchema)
    .min(1)
    .default(["planner", "coder", "reviewer"])
    .refine(
      (s) => s.includes("coder"),
      "a list of stages with a coder (someone must write the code)",
    )
    .refine(
      (s) => s.indexOf("reviewer") < 0 || s.indexOf("reviewer") > s.indexOf("coder"),
      "a list of stages with every reviewer after a coder (a review sends work back to a coder)",
    )
    .meta({ description: "the stages every subtask flows through; agent-i works stage i mod S" }),
  plan_tokens: z.number().int().min(1).default(150).meta({
    description: "output tokens of a planner's plan",
  }),
  review_tokens: z.number().int().min(1).default(100).meta({
    description: "output tokens of a reviewer's review",
  }),
  review_catch_probability: z.number().min(0).max(1).default(0.7).meta({
    description:
      "probability that a reviewer of the reference model (skill 0) catches a wrong output that slipped past the tests; a reviewer of skill s catches with sigmoid(logit(p) + s)",
  }),
  handoff_timeout_s: z.number().positive().default(30).meta({
    description: "a hand-off not received this long (lost) is sent again, up to 20 times",
  }),
});

type Options = z.output<typeof schema>;

/** Node name of the team's board: the stage queues, and the failure detector that reassigns stages. */
export const BOARD = "board";

/** Subtask `item` passed from agent `from` to stage `stage`, on its way to agent `to`. */
type HandOff = { item: number; stage: number; kind: Kind; tokens: number } & Route;
type Route = { from: number; to: number };
const KINDS = ["handoff", "review", "release"] as const;
type Kind = (typeof KINDS)[number];
type Msgs = Record<Kind, HandOff>;

// Size of the note that releases a subtask whose dependencies are all through.
const RELEASE_TOKENS = 20;
// Re-sends of one hand-off before it is given up as lost (a partition that never heals).
const MAX_RESENDS = 20;

// Stages as agents: every subtask goes planner -> coder -> reviewer (or the
// configured stages), different subtasks in different stages at once. Each
// stage has a queue shared by its agents, served lowest topological position
// first; an agent holding several stages serves the latest stage first, to
// drain the pipeline and release dependents early. An agent the board suspects
// is down loses its stages to a surviving agent, and what it was doing or was
// being handed goes back to its stage's queue. Rejoining: a recovered agent
// takes back its own stages (a stand-in gives them up) and serves them again.
function create(rt: Runtime, options: Options): Protocol {
  const graph = rt.workGraph;
  const nodes = rt.nodes<Msgs>();
  const detector = rt.detector(rt.node(BOARD));
  const { stages } = options;
  const S = stages.length;
  const n = nodes.length;
  const position = new Int32Array(graph.size);
  for (const [pos, k] of graph.order.entries()) position[k] = pos;
  /** home[s]: the agents working stage s when all are up, in index order. */
  const home: number[][] = stages.map(() => []);
  if (n >= S) for (let i = 0; i < n; i++) home[i % S].push(i);
  // Fewer agents than stages: each holds a run of consecutive stages.
  else for (let s = 0; s < S; s++) home[s].push(Math.floor((s * n) / S));
  const holders = home.map((h) => [...h]);
  const queues: number[][] = stages.map(() => []);
  // Per subtask, what was handed over: plan, review (0: none), code, and whether it is right.
  const fresh = { planTokens: 0, reviewTokens: 0, codeTokens: 0, correct: false };
  const items = graph.subtasks.map(() => ({ ...fresh }));
  /** What each agent is doing: a stage's subtask, in a process. */
  const serving: ({ s: number; k: number; process: Process } | null)[] = nodes.map(() => null);
  /** The hand-off of each subtask on its way (null: none). */
  const inFlight: (HandOff | null)[] = graph.subtasks.map(() => null);
  const left = new Uint8Array(graph.size);
  const reviews = nodes.map((node) => rt.stream(`agent/${node.index}/review`));
  const up = (i: number) => !detector.suspects(nodes[i]);

  const enqueue = (s: number, k: number) => {
    const at = queues[s].findIndex((x) => position[x] > position[k]);
    queues[s].splice(at < 0 ? queues[s].length : at, 0, k);
  };
  /** Passes a subtask to a stage: a message, unless the sender holds that stage too. */
  const handOff = (ho: Omit<HandOff, "to">) => {
    const h = holders[ho.stage];
    if (h.length === 0) return;
    const sent = { ...ho, to: h.includes(ho.from) ? ho.from : h[ho.item % h.length] };
    inFlight[ho.item] = sent;
    if (sent.to === sent.from) receive(sent);
    else transmit(sent, 0);
  };

  // Receipt is implicit (the sender sees its hand-off arrive in the stage's
  // shared queue); what has not arrived by the timeout is sent again.
  const transmit = (ho: HandOff, resends: number) => {
    nodes[ho.from].send(nodes[ho.to], ho.kind, ho, ho.tokens);
    if (resends < MAX_RESENDS) awaitReceipt(ho, resends);
  };
  const awaitReceipt = (ho: HandOff, resends: number) =>
    nodes[ho.from].after(options.handoff_timeout_s, () => {
      if (inFlight[ho.item] === ho) transmit(ho, resends + 1);
    });
  const receive = (ho: HandOff) => {
    // A duplicate, or a hand-off already re-sent elsewhere after a crash.
    if (inFlight[ho.item] !== ho) return;
    inFlight[ho.item] = null;
    enqueue(ho.stage, ho.item);
    kick();
  };
  for (const node of nodes) for (const kind of KINDS) node.on(kind, receive);

  /** Sets every idle agent that is up to work on the most advanced stage it holds that has work. */
  const kick = () => {
    for (const node of nodes) {
      const i = node.index;
      let s = S - 1;
      while (s >= 0 && (queues[s].length === 0 || !holders[s].includes(i))) s--;
      if (s < 0 || serving[i] !== null || !up(i)) continue;
      const k = queues[s].shift() as number;
      serving[i] = { s, k, process: node.spawn(serve(node, s, k)) };
    }
  };
  // A call (input, output tokens) that gave up after its retries is made again.
  function* persist(node: Node<Msgs>, input: number, output: number, label: string) {
    for (;;) {
      const r = yield* node.call({ inputTokens: input, outputTokens: output, label });
      if (r.error !== "retries_exhausted") return r;
    }
  }
  function* serve(node: Node<Msgs>, s: number, k: number): ProcessBody {
    const [i, item, subtask] = [node.index, items[k], graph.subtasks[k]];
    if (stages[s] === "planner") {
      const plan = `plan ${subtask.name}`;
      const r = yield* persist(node, subtask.promptTokens, options.plan_tokens, plan);
      // A prompt that cannot fit gets no plan; the coder works from the subtask alone.
      item.planTokens += r.outputTokens;
      return pass(i, k, s + 1, r.outputTokens);
    }
    if (stages[s] === "coder") {
      const extraInputTokens = item.planTokens + item.reviewTokens;
      const o = yield* work(rt, node, subtask, { extraInputTokens });
      // The prompt can never fit: the subtask is abandoned, undecided.
      if (!o.ok) return pass(i, k, -1, 0);
      Object.assign(item, { correct: o.correct, codeTokens: o.outputTokens, reviewTokens: 0 });
      return pass(i, k, s + 1, o.outputTokens);
    }
    const r = yield* persist(node, item.codeTokens, options.review_tokens, `review ${k}`);
    // One draw per review, caught or not, so later reviews see the same randomness.
    // A stronger reviewer catches more: the skill shifts the log-odds as it does for answers.
    const skill = node.llm.profile.skill.value;
    const caught = reviews[i].next() < correctProbability(options.review_catch_probability, skill);
    if (!r.ok || item.correct || !caught) return pass(i, k, s + 1, item.codeTokens);
    // Sent back to the coder before it (the schema puts one before every reviewer).
    rt.counters.rework++;
    item.reviewTokens = r.outputTokens;
    pass(i, k, stages.lastIndexOf("coder", s - 1), r.outputTokens, "review");
  }

  /** Agent i is done with subtask k: on to `stage`, out of the pipeline after the last, or dropped (-1). */
  const pass = (i: number, k: number, stage: number, tokens: number, kind: Kind = "handoff") => {
    serving[i] = null;
    if (stage >= 0 && stage < S) handOff({ item: k, stage, from: i, kind, tokens });
    if (stage === S) {
      // Through: decided, and its dependents whose dependencies are all through released.
      const answer = items[k].correct ? 0 : 1;
      rt.history.propose(k, answer);
      rt.history.decide(k, nodes[i].name, answer, rt.now);
      left[k] = 1;
      if (left.every((x) => x === 1)) detector.stop();
      for (const d of graph.dependents[k])
        if (graph.subtasks[d].deps.every((x) => left[x] === 1))
          handOff({ item: d, stage: 0, from: i, kind: "release", tokens: RELEASE_TOKENS });
    }
    kick();
  };

  // Agent i's assignment is void (it is down): its subtask goes back to its stage.
  const requeue = (i: number) => {
    const job = serving[i];
    if (job === null) return;
    serving[i] = null;
    job.process.kill();
    enqueue(job.s, job.k);
    kick();
  };

  // Agent i is down: what it was doing goes back to the queue, its stages to a
  // surviving agent, and hand-offs on their way to it to a live holder.
  const down = (i: number) => {
    requeue(i);
    // A stage nobody else holds goes to the next live agent, so every stage keeps a worker.
    const next = nodes.map((_, d) => (i + 1 + d) % n).filter(up);
    for (const [s, h] of holders.entries())
      if (h.includes(i)) holders[s] = h.length > 1 ? h.filter((j) => j !== i) : next.slice(0, 1);
    for (const ho of inFlight) {
      if (ho?.to !== i) continue;
      inFlight[ho.item] = null;
      if (up(ho.from)) handOff(ho);
      // The sender is gone too; what it sent is taken as delivered to the stage.
      else if (holders[ho.stage].length > 0) enqueue(ho.stage, ho.item);
    }
    kick();
  };

  const rejoin = (i: number) => {
    for (const [s, h] of home.entries()) if (h.includes(i)) holders[s] = h.filter(up);
    kick();
  };
  detector.onChange((node, suspected) => (suspected ? down(node.index) : rejoin(node.index)));

  return {
    start: () => {
      for (const k of graph.order) if (graph.subtasks[k].deps.length === 0) enqueue(0, k);
      kick();
    },
    // Its stages come back with the detector's trust (rejoin); what it was doing died
    // with it (requeued unless a detector noticed); its unreceived hand-offs are re-sent.
    recover: (node) => {
      requeue(node.index);
      for (const ho of inFlight) if (ho?.from === node.index) awaitReceipt(ho, 0);
    },
  };
}

/** `pipeline`: stages (planner, coder, reviewer) as agents; subtasks flow through them in topological order. */
export const pipeline: ProtocolModule<typeof schema> = {
  name: "pipeline",
  summary:
    "stages as agents (planner -> coder -> reviewer); subtasks flow through them, reviews send bad code back",
  schema,
  tasks: ["workgraph"],
  extraNodes: [BOARD],
  example: "scenarios/pipeline.yaml",
  law: { none: "reviews send bad code back: a queueing network with feedback, non-exponential" },
  // agent-i works stage i mod S.
  roles: (o, n) => Array.from({ length: n }, (_, i) => o.stages[i % o.stages.length]),
  // Every subtask passes each stage once, or twice when a review sends it back.
  workPerItem: (o) => ({ calls: 2 * o.stages.length, messages: 2 * o.stages.length + 2 }),
  create,
};
