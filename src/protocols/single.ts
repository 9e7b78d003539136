import { z } from "zod";
import type { TeamFit } from "../analytic/LawFit.js";
import { work } from "../runtime/doSubtask.js";
import type { Node } from "../runtime/Node.js";
import type { ProcessBody } from "../runtime/Process.js";
import type { Runtime } from "../runtime/Runtime.js";
import type { ProtocolModule } from "./Protocol.js";

const schema = z.strictObject({ protocol: z.literal("single") });

// agent-0 answers the items one after another, from the first one it has not
// decided (a recovered agent resumes there: its decisions are durable); an item
// whose call gave up after retries is settled with no answer.
function* answer(rt: Runtime, node: Node): ProcessBody {
  const items = rt.questions.items;
  for (let k = decidedPrefix(rt); k < items.length; k++) {
    const item = items[k];
    const r = yield* node.call({
      inputTokens: item.promptTokens,
      pRef: item.pRef,
      choices: item.choices,
      label: k,
    });
    if (r.ok) rt.history.propose(k, r.answer);
    rt.history.decide(k, node.name, r.ok ? r.answer : -1, rt.now);
  }
}

// agent-0 does every subtask itself, in topological order, redoing what its tests catch.
function* build(rt: Runtime, node: Node): ProcessBody {
  const graph = rt.workGraph;
  for (let position = decidedPrefix(rt); position < graph.order.length; position++) {
    const index = graph.order[position];
    const o = yield* work(rt, node, graph.subtasks[index]);
    if (!o.ok) return;
    const answer = o.correct ? 0 : 1;
    rt.history.propose(index, answer);
    rt.history.decide(index, node.name, answer, rt.now);
  }
}

// Items (or positions in topological order) are decided in order: the count is where to resume.
function decidedPrefix(rt: Runtime): number {
  return rt.history.settled;
}

// Every law at n = 1 whatever the team size: agent-0 does everything.
const alone = (does: string) => (): TeamFit => ({
  lawN: () => 1,
  notes: [`single: one agent ${does} whatever the team size (the law at n = 1)`],
});
const answers = alone("answers");
const works = alone("works");

/** `single`: one agent does everything; the baseline every team is compared with. Extra agents idle. */
export const single: ProtocolModule<typeof schema> = {
  name: "single",
  summary: "one agent (agent-0) answers every item or does every subtask; the baseline",
  schema,
  tasks: ["questions", "workgraph"],
  example: "scenarios/single.yaml",
  law: {
    fits: {
      vote: answers,
      "vote-beta": answers,
      "vote-mixture": answers,
      "independent-cost": answers,
      tokens: answers,
      amdahl: works,
      "work-span": works,
      messages: "it sends no messages",
    },
  },
  // Only agent-0 works; any others idle.
  roles: (_o, n) => Array.from({ length: n }, (_, i) => (i === 0 ? "solver" : "idle")),
  // One call per item, a second when a subtask's tests send it back.
  workPerItem: () => ({ calls: 2, messages: 0 }),
  create: (rt) => {
    const node = rt.members[0];
    const body = () => (rt.task.kind === "questions" ? answer(rt, node) : build(rt, node));
    return {
      start: () => node.spawn(body()),
      recover: (n) => {
        if (n === node) node.spawn(body());
      },
    };
  },
};
