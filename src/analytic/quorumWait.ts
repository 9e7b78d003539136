import { z } from "zod";
import type { Law } from "./Law.js";
import { checkLatencyFields, expectedOrderStatistic, latencyFields } from "./latency.js";

const params = z
  .strictObject({
    /** How many replies the caller waits for (the k-th fastest of n). */
    k: z.number().int().min(1),
    ...latencyFields,
  })
  .superRefine(checkLatencyFields);

/**
 * Waiting for a quorum of k replies out of n parallel calls: the expected k-th
 * order statistic of n i.i.d. latencies. NaN for n < k (the quorum cannot be
 * reached). Exponential: sum_{i=0}^{k-1} mean / (n - i); uniform:
 * min + (max - min) k / (n + 1); otherwise numerical.
 */
export const quorumWait: Law<typeof params> = {
  name: "quorum-wait",
  family: "latency",
  summary: "expected wait for the k-th fastest of n parallel calls (NaN when n < k)",
  formula:
    "E[X_(k:n)] = ∫_0^∞ P(Bin(n, F(x)) < k) dx; exponential: sum_{i<k} mean/(n-i); uniform: min + (max-min) k/(n+1)",
  source: "H. A. David and H. N. Nagaraja, Order Statistics, 3rd ed., Wiley 2003, ch. 2-3",
  params,
  value: (n, { k, ...d }) => expectedOrderStatistic(d, k, n),
  exactness: "numerical",
};
