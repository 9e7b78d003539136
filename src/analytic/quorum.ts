import { z } from "zod";
import type { Law } from "./Law.js";
import { binomialTailAtLeast } from "./special.js";

const params = z.strictObject({
  /** Replicas that must be up: a number, or "majority" (floor(n/2) + 1). */
  size: z.union([z.number().int().min(1), z.literal("majority")]).default("majority"),
  /** Probability that one agent is up, independently of the others. */
  up: z.number().min(0).max(1),
});

/** Majority quorum size floor(n/2) + 1. */
export function majoritySize(n: number): number {
  return Math.floor(n / 2) + 1;
}

/**
 * Availability of a quorum system: the probability that at least q of n
 * independently available agents are up, P(Bin(n, up) >= q) (0 when q > n).
 */
export const quorum: Law<typeof params> = {
  name: "quorum",
  family: "availability",
  summary: "probability that a quorum (default a majority) of n independent agents is up",
  formula: "A(n) = P(Bin(n, up) >= q) = I_up(q, n - q + 1); q = floor(n/2) + 1 for a majority",
  source:
    "D. Peleg and A. Wool, 'The availability of quorum systems', Information and Computation 123(2), 1995",
  params,
  value: (n, { size, up }) =>
    binomialTailAtLeast(n, up, size === "majority" ? majoritySize(n) : size),
  exactness: "closed form",
};
