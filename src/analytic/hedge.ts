import { z } from "zod";
import type { Law } from "./Law.js";
import { checkLatencyFields, expectedOrderStatistic, latencyFields } from "./latency.js";

const params = z.strictObject(latencyFields).superRefine(checkLatencyFields);

/**
 * Hedged requests: send the same call n times and take the first reply, the
 * expected minimum of n i.i.d. latencies. Exponential: mean / n; uniform:
 * min + (max - min) / (n + 1); otherwise ∫_0^∞ (1 - F(x))^n dx numerically.
 */
export const hedge: Law<typeof params> = {
  name: "hedge",
  family: "latency",
  summary: "expected latency of the fastest of n hedged (duplicate) calls",
  formula:
    "E[min] = ∫_0^∞ (1 - F(x))^n dx; exponential: mean / n; uniform: min + (max - min)/(n+1)",
  source:
    "J. Dean and L. A. Barroso, 'The tail at scale', CACM 56(2), 2013; H. A. David and H. N. Nagaraja, Order Statistics, Wiley 2003",
  params,
  value: (n, d) => expectedOrderStatistic(d, 1, n),
  exactness: "numerical",
};
