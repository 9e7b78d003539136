import { z } from "zod";
import type { Law } from "./Law.js";
import { checkLatencyFields, expectedOrderStatistic, latencyFields } from "./latency.js";

const params = z.strictObject(latencyFields).superRefine(checkLatencyFields);

/**
 * A synchronous round waits for the slowest of n parallel calls: the expected
 * maximum of n i.i.d. latencies. Exponential: H_n * mean exactly (grows like
 * ln n); uniform: min + (max - min) n / (n + 1); lognormal and gamma by
 * quadrature of ∫_0^∞ (1 - F(x)^n) dx (see expectedOrderStatistic).
 */
export const stragglerMax: Law<typeof params> = {
  name: "straggler-max",
  family: "latency",
  summary: "expected time of a synchronous round: the slowest of n i.i.d. call latencies",
  formula:
    "E[max] = ∫_0^∞ (1 - F(x)^n) dx; exponential: H_n * mean; uniform: min + (max - min) n/(n+1)",
  source:
    "H. A. David and H. N. Nagaraja, Order Statistics, 3rd ed., Wiley 2003; J. Dean and L. A. Barroso, 'The tail at scale', CACM 56(2), 2013",
  params,
  value: (n, d) => expectedOrderStatistic(d, n, n),
  exactness: "numerical",
};
