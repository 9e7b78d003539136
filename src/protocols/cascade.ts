import { z } from "zod";
import type { Node } from "../runtime/Node.js";
import type { ProcessBody } from "../runtime/Process.js";
import type { Runtime } from "../runtime/Runtime.js";
import { ConfidenceSchema, reportedConfidence } from "../runtime/reportedConfidence.js";
import type { ProtocolModule } from "./Protocol.js";

const prob = z.number().min(0).max(1);

const schema = z.strictObject({
  protocol: z.literal("cascade"),
  threshold: z
    .union([prob, z.array(prob).min(1)])
    .default(0.7)
    .meta({
      description:
        "a stage passes an item on when its reported confidence is below this (one value for every stage, or a list: stage i uses entry i, the last entry for the rest)",
    }),
  confidence: ConfidenceSchema.meta({
    description: "how each stage reports confidence in its answer",
  }),
  verifier: z
    .strictObject({
      catch_probability: prob.meta({ description: "it rejects a wrong answer with this chance" }),
      false_rejection: prob.default(0).meta({
        description: "and a right one with this chance",
      }),
    })
    .optional()
    .meta({
      description:
        "a checker after every stage but the last (tests, a judge); a rejected answer escalates",
    }),
});

type Options = z.output<typeof schema>;

// An LLM cascade (FrugalGPT, Chen, Zaharia & Zou 2023): the members are the
// stages, agent-0 first (list the cheapest model first). Item after item,
// agent-0 routes the item to stage 0, whose model answers and reports a
// confidence; below the stage's threshold, or rejected by the verifier, or when
// the call failed, the item goes to the next stage; the last stage's answer is
// final. Cost and latency add up along the chain. Routing is agent-0's: it
// consults each stage's model in turn (no messages are modelled), so a stage
// that is down blocks the cascade until it recovers. Trace: `cascade_stage`.
function* route(rt: Runtime, nodes: readonly Node[], o: Options): ProcessBody {
  const items = rt.questions.items;
  const router = nodes[0];
  const verifier = rt.stream("protocol/cascade/verifier");
  const last = nodes.length - 1;
  for (let k = rt.history.settled; k < items.length; k++) {
    const q = items[k];
    rt.history.open(k, rt.now);
    for (let s = 0; s <= last; s++) {
      const stage = nodes[s];
      const r = yield* stage.call({
        inputTokens: q.promptTokens,
        pRef: q.pRef,
        choices: q.choices,
        label: k,
      });
      if (r.ok) rt.history.propose(k, r.answer);
      let pass = false;
      if (s < last) {
        const threshold = Array.isArray(o.threshold)
          ? o.threshold[Math.min(s, o.threshold.length - 1)]
          : o.threshold;
        // The confidence and the verifier are drawn for every answer, passed on or not.
        const confidence = r.ok ? reportedConfidence(rt, stage, o.confidence, r.correct) : 0;
        const v = o.verifier;
        const rejected =
          v !== undefined &&
          verifier.next() < (r.ok && r.correct ? v.false_rejection : v.catch_probability);
        pass = !r.ok || confidence < threshold || rejected;
        if (rt.trace.enabled)
          rt.trace.record({
            t: rt.now,
            type: "cascade_stage",
            item: k,
            stage: s,
            confidence,
            pass,
          });
      }
      if (!pass) {
        rt.decide(router, k, r.ok ? r.answer : -1, { stage: s });
        break;
      }
    }
  }
}

/** `cascade`: try the models in order, cheapest first; pass an item on when the answer looks unsure. */
export const cascade: ProtocolModule<typeof schema> = {
  name: "cascade",
  summary:
    "stages in order (agent-0 first, cheapest first): each answers and passes the item on when its confidence is below a threshold or a verifier rejects it; the last stage's answer is final",
  schema,
  tasks: ["questions"],
  example: "scenarios/cascade.yaml",
  law: {
    none: "its accuracy and cost have a law (cascade) given each stage's accuracy and confidence model; see teamsim compare --law cascade",
  },
  roles: (_o, n) => Array.from({ length: n }, () => "stage"),
  orderedMembers: true,
  // In the worst case every stage answers (and the verifier checks it).
  workPerItem: (_o, n) => ({ calls: 2 * n, messages: 2 * n }),
  create: (rt, options) => ({
    start() {
      const nodes = rt.nodes();
      nodes[0].spawn(route(rt, nodes, options));
    },
    // The router resumes at the first undecided item (decisions are durable).
    recover(node) {
      if (node.index === 0) node.spawn(route(rt, rt.nodes(), options));
    },
  }),
};
