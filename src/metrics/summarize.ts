import { sampleQuantile } from "../analytic/sampleQuantile.js";
import { tQuantile } from "../analytic/stdlib.js";

/** Summary statistics of one metric over replicates (or over pooled calls). */
export interface MetricSummary {
  n: number;
  mean: number;
  sd: number;
  p50: number;
  p95: number;
  min: number;
  max: number;
  /**
   * 95% confidence interval of the mean: the normal (Student t) interval, clamped
   * to the metric's range (a count cannot be negative, a fraction not above 1);
   * absent for fewer than 2 values.
   */
  ci95?: [number, number];
}

/** The values a metric can take, [lo, hi] (e.g. [0, 1] for a fraction, [0, Infinity] for a count). */
export type MetricRange = readonly [number, number];

/** No bounds: the t interval is left as it is. */
export const UNBOUNDED: MetricRange = [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];

/** Quantile of sorted values, type 7 (the one implementation: analytic/sampleQuantile). */
export const quantileSorted = sampleQuantile;

/**
 * Mean, sample sd, median, p95, range and t-based 95% CI of the mean of `values`
 * (NaNs left out), the CI clamped to `range`, the values the metric can take.
 */
export function summarize(
  values: ArrayLike<number>,
  range: MetricRange = UNBOUNDED,
): MetricSummary {
  // NaN marks "not applicable in this replicate" (e.g. no baseline): left out.
  const sorted = Float64Array.from(values)
    .filter((x) => !Number.isNaN(x))
    .sort();
  const n = sorted.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i];
  const mean = n > 0 ? sum / n : Number.NaN;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (sorted[i] - mean) ** 2;
  const sd = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
  const out: MetricSummary = {
    n,
    mean,
    sd,
    p50: quantileSorted(sorted, 0.5),
    p95: quantileSorted(sorted, 0.95),
    min: n > 0 ? sorted[0] : Number.NaN,
    max: n > 0 ? sorted[n - 1] : Number.NaN,
  };
  if (n > 1) {
    const half = tQuantile(0.975, n - 1) * (sd / Math.sqrt(n));
    // The t interval is symmetric and can reach past what the metric can be (a mean
    // of 0.5 retries over 2 replicates gives [-5.9, 6.9]): no mean lies out there.
    out.ci95 = [Math.max(range[0], mean - half), Math.min(range[1], mean + half)];
  }
  return out;
}
