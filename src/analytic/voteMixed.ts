import { z } from "zod";
import type { Law } from "./Law.js";
import { latentPanelAccuracy, type ModelGroup } from "./latentPanel.js";

const prob = z.number().min(0).max(1);
const params = z.strictObject({
  /** Log-odds skills of the K models, in the order members cycle through them. */
  skills: z.array(z.number()).min(1),
  /** The reference agent's accuracy on every item (fixed difficulty). */
  p: prob,
  /** Model-noise scale sigma (logit units). */
  sigma: z.number().min(0).default(0),
  /** Correlation of different models' noise on an item. */
  rho: prob.default(0),
  /** majority (ties lose) or plurality (ties broken at random). */
  rule: z.enum(["majority", "plurality"]).default("majority"),
  /** Number of answer options k. */
  choices: z.number().int().min(2).default(4),
  /** P(a wrong answer is the item's distractor) before the uniform share (1 - c)/(k - 1). */
  concentration: prob.default(0),
});

/**
 * The groups of a panel of n members cycling through K models: member j is a
 * copy of model j mod K, so model m has floor(n / K) + [m < n mod K] copies.
 * Every list entry is its own model (two equal skills are still two models,
 * with their own noise).
 */
export function roundRobinGroups(skills: readonly number[], n: number): ModelGroup[] {
  const k = skills.length;
  return skills.map((skill, m) => ({
    skill,
    count: Math.floor(n / k) + (m < n % k ? 1 : 0),
  }));
}

/**
 * A mixed panel's vote under the shared-latent model (latentPanel.ts): member j
 * is model j mod K; copy of model m right with probability
 * sigmoid(logit p + s_m + sigma eps_m), eps_m = sqrt(rho) Z + sqrt(1 - rho) eta_m.
 * sigma = 0 is the Poisson-binomial vote of independent members; rho = 1 with
 * equal skills the vote of n copies of one model.
 */
export const voteMixed: Law<typeof params> = {
  name: "vote-mixed",
  family: "voting",
  summary:
    "majority or plurality accuracy of a panel cycling through models of given skills, errors correlated by rho",
  formula:
    "F(n) = E_Z[ sum_r P(R = r | Z) G(r) ], R = sum_m R_m, R_m | Z ~ E_eta[Bin(n_m, sigmoid(logit p + s_m + sigma (sqrt(rho) Z + sqrt(1-rho) eta)))]; G(r) = [2r > n] (majority) or P(plurality picks the right answer | r right, distractor share c + (1-c)/(k-1))",
  source:
    "Poisson-binomial vote of heterogeneous jurors: P. J. Boland, 'Majority systems and the Condorcet jury theorem', The Statistician 38, 1989, and Y. Hong, 'On computing the distribution function for the Poisson binomial distribution', Computational Statistics & Data Analysis 59, 2013; correlated votes: K. K. Ladha, 'The Condorcet jury theorem, free speech, and correlated votes', American Journal of Political Science 36, 1992; Gauss-Hermite quadrature: Abramowitz & Stegun, Handbook of Mathematical Functions, 25.4.46",
  params,
  value: (n, { skills, p, sigma, rho, rule, choices, concentration }) =>
    latentPanelAccuracy(
      { groups: roundRobinGroups(skills, n), sigma, rho, rule, choices, concentration },
      { kind: "fixed", p },
    ),
  exactness: "numerical",
};
