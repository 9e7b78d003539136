import { z } from "zod";
import type { Law } from "./Law.js";

const params = z.strictObject({
  /** Item difficulty p ~ Beta(a, b): mean accuracy a / (a + b). */
  a: z.number().positive(),
  b: z.number().positive(),
});

/**
 * P(more than n/2 right) when every agent answers an item right with the item's
 * p and p ~ Beta(a, b): the upper tail of the beta-binomial. The pmf is summed
 * in log space by its term ratio, starting from
 * log P(J = 0) = sum_{i<n} log((b + i) / (a + b + i)), so no gamma function and
 * no cancellation appears (stable for large n, a, b).
 */
export function betaBinomialMajority(n: number, a: number, b: number): number {
  const k = Math.floor(n / 2) + 1;
  let logPmf = 0;
  for (let i = 0; i < n; i++) logPmf += Math.log((b + i) / (a + b + i));
  let tail = 0;
  for (let j = 0; j < n; j++) {
    if (j >= k) tail += Math.exp(logPmf);
    // P(j+1) / P(j) = (n - j)/(j + 1) * (j + a)/(n - j - 1 + b)
    logPmf += Math.log(((n - j) * (j + a)) / ((j + 1) * (n - j - 1 + b)));
  }
  if (n >= k) tail += Math.exp(logPmf);
  return Math.min(1, tail);
}

/**
 * Majority vote over items of varying difficulty: p ~ Beta(a, b) per item, the
 * n agents independent given p (they share the item's difficulty, so their
 * errors correlate and the accuracy saturates at P(p > 1/2)).
 */
export const voteBeta: Law<typeof params> = {
  name: "vote-beta",
  family: "voting",
  summary: "majority-vote accuracy when each item's accuracy p ~ Beta(a, b) (ties lose)",
  formula:
    "F(n) = sum_{j=k}^{n} C(n, j) B(j + a, n - j + b) / B(a, b), k = floor(n/2) + 1 (beta-binomial tail)",
  source:
    "Beta-binomial majority: S. Berg, 'Condorcet's jury theorem, dependency among jurors', Social Choice and Welfare 10, 1993; difficulty model as in L. Chen et al., 'Are More LLM Calls All You Need?', 2024",
  params,
  value: (n, { a, b }) => betaBinomialMajority(n, a, b),
  exactness: "closed form",
};
