/**
 * The Kolmogorov–Smirnov distance sup |F_n(x) - F(x)| between the empirical CDF
 * of `samples` and a continuous CDF `cdf`. The supremum is reached at a jump of
 * F_n: at the i-th smallest sample (1-based) it is max(i/n - F, F - (i-1)/n),
 * which also covers ties (a run of equal samples is one jump).
 */
export function ksDistance(samples: readonly number[], cdf: (x: number) => number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(sorted[i]);
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  }
  return d;
}
