import type { RandomStream } from "../core/Rng.js";
import type { Difficulty } from "./difficultySchema.js";

/**
 * Draws one item's probability that the reference agent gets it right. One
 * uniform is drawn first for every kind, so switching kinds keeps items aligned.
 */
export function drawDifficulty(d: Difficulty, stream: RandomStream): number {
  const u = stream.next();
  switch (d.kind) {
    case "fixed":
      return d.p;
    case "mixture":
      return u < d.easy_fraction ? d.p_easy : d.p_hard;
    case "beta":
      return stream.beta(d.a, d.b);
  }
}
