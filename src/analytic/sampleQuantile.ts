/**
 * The q-quantile of ascending `sorted` samples, linearly interpolated between
 * order statistics (type 7, as R's default and metrics/summarize); NaN when empty.
 */
export function sampleQuantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}
