import { type PanelRule, panelRuleWeights } from "./panelRule.js";
import { poissonBinomialPmf } from "./poissonBinomial.js";

/**
 * Accuracy of a panel whose members answer independently, member i right with
 * probability a_i (a heterogeneous panel with independent errors): the number
 * right R is Poisson-binomial, and the team is right with probability
 * sum_r P(R = r) G[r] (panelRuleWeights: majority, or plurality over `choices`
 * answers with wrong answers concentrated on a distractor by `concentration`).
 * Exact; O(n^2) for majority, O(n^3 log k) for plurality. Equal a_i give the
 * `vote` law (majority).
 */
export function panelVoteAccuracy(
  accuracies: readonly number[],
  rule: PanelRule = "majority",
  choices = 4,
  concentration = 0,
): number {
  const pmf = poissonBinomialPmf(accuracies);
  return expectOver(pmf, panelRuleWeights(accuracies.length, rule, choices, concentration));
}

/** sum_r pmf[r] g[r], clamped to [0, 1] against rounding. */
export function expectOver(pmf: ArrayLike<number>, g: ArrayLike<number>): number {
  let s = 0;
  for (let r = 0; r < pmf.length; r++) s += pmf[r] * g[r];
  return Math.min(1, Math.max(0, s));
}
