import { z } from "zod";

const prob = z.number().min(0).max(1);

/**
 * How hard the items are: each item gets the probability that the reference agent
 * answers it right. fixed: every item p; beta: p ~ Beta(a, b); mixture: a fraction
 * `easy_fraction` of items with p_easy, the rest with p_hard (Chen et al. 2024).
 */
export const DifficultySchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("fixed"), p: prob }),
  z.strictObject({ kind: z.literal("beta"), a: z.number().positive(), b: z.number().positive() }),
  z.strictObject({ kind: z.literal("mixture"), easy_fraction: prob, p_easy: prob, p_hard: prob }),
]);

/** A validated difficulty distribution. */
export type Difficulty = z.output<typeof DifficultySchema>;
