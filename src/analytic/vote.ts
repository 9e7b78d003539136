import { z } from "zod";
import type { Law } from "./Law.js";
import { majorityTail } from "./special.js";

const params = z.strictObject({
  /** Probability that one agent answers an item right (independently of the others). */
  p: z.number().min(0).max(1),
});

/**
 * Condorcet's jury theorem: the accuracy of a majority vote of n independent
 * agents of accuracy p, where the right answer needs MORE than half of the n
 * votes (a tie loses, as in the simulator's `majority`):
 * P(Bin(n, p) >= k) = I_p(k, n - k + 1), k = floor(n/2) + 1.
 */
export const vote: Law<typeof params> = {
  name: "vote",
  family: "voting",
  summary: "majority-vote accuracy of n independent agents of accuracy p (ties lose)",
  formula: "F(n) = P(Bin(n, p) > n/2) = I_p(k, n - k + 1), k = floor(n/2) + 1",
  source:
    "Condorcet, Essai sur l'application de l'analyse a la probabilite des decisions, 1785; see B. Grofman, G. Owen, S. Feld, 'Thirteen theorems in search of the truth', Theory and Decision 15, 1983",
  params,
  value: (n, { p }) => majorityTail(n, p),
  exactness: "closed form",
};
