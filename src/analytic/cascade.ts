import { z } from "zod";
import { betaConfidenceEscalation, verifierEscalation } from "./cascadeEscalation.js";
import type { Law } from "./Law.js";

/** One stage of a cascade: a model's accuracy, when it passes an item on, and what a call costs. */
export interface CascadeStage {
  /** P(the stage answers the item right). */
  accuracy: number;
  /** P(escalate | the stage's answer is right) (ignored on the last stage). */
  escalateIfRight: number;
  /** P(escalate | the stage's answer is wrong) (ignored on the last stage). */
  escalateIfWrong: number;
  /** Cost of the stage's call (USD), paid by every item that reaches it. */
  cost: number;
  /** Latency of the stage's call (s); stages run one after another. */
  latency: number;
}

/** What a cascade gives per item. */
export interface CascadeOutcome {
  /** P(the answer finally returned is right). */
  accuracy: number;
  /** Expected cost per item: sum_i reach_i cost_i. */
  cost: number;
  /** Expected latency per item: sum_i reach_i latency_i. */
  latency: number;
  /** reach[i] = P(the item reaches stage i); reach[0] = 1. */
  reach: number[];
  /** escalation[i] = P(stage i escalates | the item reached it); 0 for the last stage. */
  escalation: number[];
}

function checkProbability(name: string, v: number): void {
  if (!(v >= 0 && v <= 1)) throw new RangeError(`${name} = ${v}`);
}

/**
 * A cascade (FrugalGPT's LLM cascade, Chen, Zaharia & Zou 2023): an item goes to
 * stage 1; a stage answers, right with probability a_i, and either returns its
 * answer or escalates to the next stage, with probability e_r,i if its answer is
 * right and e_w,i if wrong; the last stage always returns. Assumption: the
 * stages' outcomes are independent given the item (a_i, e_r,i, e_w,i are the
 * per-item probabilities; averaging the result over items of varying difficulty
 * is exact only if the stages' outcomes stay independent given the difficulty).
 * With x_i = a_i e_r,i + (1 - a_i) e_w,i (escalation of stage i) and
 * reach_1 = 1, reach_{i+1} = reach_i x_i:
 *   accuracy = sum_i reach_i a_i (1 - e_r,i)   (e_r,last = 0),
 *   cost = sum_i reach_i cost_i, latency = sum_i reach_i latency_i.
 */
export function cascadeOutcome(stages: readonly CascadeStage[]): CascadeOutcome {
  if (stages.length === 0) throw new RangeError("a cascade needs at least one stage");
  const reach: number[] = [];
  const escalation: number[] = [];
  let at = 1;
  let accuracy = 0;
  let cost = 0;
  let latency = 0;
  stages.forEach((s, i) => {
    checkProbability(`stage ${i} accuracy`, s.accuracy);
    checkProbability(`stage ${i} escalateIfRight`, s.escalateIfRight);
    checkProbability(`stage ${i} escalateIfWrong`, s.escalateIfWrong);
    const last = i === stages.length - 1;
    const er = last ? 0 : s.escalateIfRight;
    const ew = last ? 0 : s.escalateIfWrong;
    reach.push(at);
    cost += at * s.cost;
    latency += at * s.latency;
    accuracy += at * s.accuracy * (1 - er);
    const x = s.accuracy * er + (1 - s.accuracy) * ew;
    escalation.push(x);
    at *= x;
  });
  return { accuracy: Math.min(1, accuracy), cost, latency, reach, escalation };
}

const prob = z.number().min(0).max(1);
const confidence = z.strictObject({
  /** Mean confidence mu in (0, 1). */
  mean: z.number().gt(0).lt(1),
  /** Concentration kappa > 0: Beta(kappa mu, kappa (1 - mu)). */
  concentration: z.number().positive(),
});

const stageSchema = z
  .strictObject({
    /** P(the stage's model answers right). */
    accuracy: prob,
    /** Cost per item of the stage's call (USD). */
    cost: z.number().min(0).default(0),
    /** Latency of the stage's call (s). */
    latency: z.number().min(0).default(0),
    /** P(escalate | right), given directly (default 0 unless a threshold is set). */
    escalate_right: prob.optional(),
    /** P(escalate | wrong), given directly. */
    escalate_wrong: prob.optional(),
    /** Escalate when the stage's confidence is below this threshold. */
    threshold: prob.optional(),
    /** Confidence of a right answer ~ Beta (with threshold). */
    confidence_right: confidence.optional(),
    /** Confidence of a wrong answer ~ Beta (with threshold). */
    confidence_wrong: confidence.optional(),
    /** A verifier after the stage rejects (escalates) a wrong answer with this probability. */
    verifier_catch: prob.default(0),
    /** ... and a right answer with this probability. */
    verifier_false_reject: prob.default(0),
  })
  .superRefine((s, ctx) => {
    const direct = s.escalate_right !== undefined || s.escalate_wrong !== undefined;
    const confident =
      s.threshold !== undefined ||
      s.confidence_right !== undefined ||
      s.confidence_wrong !== undefined;
    if (direct && confident)
      ctx.addIssue({
        code: "custom",
        message:
          "escalate_right/escalate_wrong or a threshold with confidence_right and confidence_wrong, not both",
      });
    if (
      confident &&
      (s.threshold === undefined ||
        s.confidence_right === undefined ||
        s.confidence_wrong === undefined)
    )
      ctx.addIssue({
        code: "custom",
        message: "a threshold together with confidence_right and confidence_wrong",
      });
  });

const params = z.strictObject({
  /** The stages in order (cheapest first, usually). */
  stages: z.array(stageSchema).min(1),
  /** What value() returns: accuracy (default), expected cost or expected latency. */
  metric: z.enum(["accuracy", "cost", "latency"]).default("accuracy"),
});

/** A stage of the `cascade` law's parameters, turned into escalation probabilities. */
export function stageFromParams(s: z.output<typeof stageSchema>): CascadeStage {
  const base =
    s.threshold !== undefined &&
    s.confidence_right !== undefined &&
    s.confidence_wrong !== undefined
      ? betaConfidenceEscalation(s.threshold, s.confidence_right, s.confidence_wrong)
      : { escalateIfRight: s.escalate_right ?? 0, escalateIfWrong: s.escalate_wrong ?? 0 };
  const e = verifierEscalation(s.verifier_catch, s.verifier_false_reject, base);
  return { accuracy: s.accuracy, cost: s.cost, latency: s.latency, ...e };
}

/**
 * The cascade's accuracy (or expected cost or latency, by `metric`) with its first
 * n stages, n = 1..stages.length (NaN beyond): the n-th stage is then the last
 * and never escalates. See cascadeOutcome for the model and its assumption.
 */
export const cascade: Law<typeof params> = {
  name: "cascade",
  family: "team",
  summary: "accuracy (or expected cost, latency) of a cascade of its first n stages",
  formula:
    "acc(n) = sum_{i<=n} reach_i a_i (1 - e_r,i), e_r,n = 0; reach_1 = 1, reach_{i+1} = reach_i (a_i e_r,i + (1 - a_i) e_w,i); cost = sum reach_i c_i; e = BetaCDF(theta) of the stage's confidence, or 1 - (1 - e)(1 - verifier rejection)",
  source:
    "L. Chen, M. Zaharia, J. Zou, 'FrugalGPT: How to Use Large Language Models While Reducing Cost and Improving Performance', arXiv:2305.05176, 2023; P. Viola, M. Jones, 'Rapid object detection using a boosted cascade of simple features', CVPR 2001",
  params,
  value: (n, { stages, metric }) => {
    if (!Number.isInteger(n) || n < 1 || n > stages.length) return Number.NaN;
    const out = cascadeOutcome(stages.slice(0, n).map(stageFromParams));
    return out[metric];
  },
  exactness: "closed form",
};
