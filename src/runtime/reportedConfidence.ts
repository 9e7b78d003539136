import { z } from "zod";
import type { Node } from "./Node.js";
import type { Runtime } from "./Runtime.js";

/** How agents report confidence in an answer (a team's `confidence` block). */
export const ConfidenceSchema = z
  .strictObject({
    calibration: z.number().min(0).max(1).default(1).meta({
      description:
        "1: confidence tracks correctness (mean 0.9 right, 0.1 wrong); 0: it carries no information",
    }),
    overconfidence: z.number().default(0).meta({
      description: "added to every agent's mean confidence (uninformative inflation)",
    }),
  })
  .prefault({});

/** A validated `confidence` block. */
export type ConfidenceConfig = z.output<typeof ConfidenceSchema>;

/** Reported confidences are clipped to [CONFIDENCE_CLIP, 1 - CONFIDENCE_CLIP]. */
export const CONFIDENCE_CLIP = 1e-3;
/** Beta concentration a + b of the confidence model. */
export const CONFIDENCE_CONCENTRATION = 10;

/**
 * The mean of an agent's reported confidence: 0.5 ± 0.4 · calibration (+ when
 * right, − when wrong) plus overconfidence, kept in [0.02, 0.98].
 */
export function confidenceMean(config: ConfidenceConfig, correct: boolean): number {
  const { calibration, overconfidence } = config;
  return clip(0.5 + 0.4 * calibration * (correct ? 1 : -1) + overconfidence, 0.02, 0.98);
}

/**
 * An agent's reported confidence in an answer: Beta with mean confidenceMean and
 * concentration CONFIDENCE_CONCENTRATION, from the agent's `confidence` stream.
 */
export function reportedConfidence(
  rt: Runtime,
  agent: Node,
  config: ConfidenceConfig,
  correct: boolean,
): number {
  const m = confidenceMean(config, correct);
  const c = rt
    .stream(`agent/${agent.index}/confidence`)
    .beta(m * CONFIDENCE_CONCENTRATION, (1 - m) * CONFIDENCE_CONCENTRATION);
  return clip(c, CONFIDENCE_CLIP, 1 - CONFIDENCE_CLIP);
}

function clip(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
