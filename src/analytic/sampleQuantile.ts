/**
 * The q-quantile of ascending `sorted` samples, linearly interpolated between
 * order statistics (Hyndman & Fan 1996, type 7: the default of R and numpy);
 * NaN when empty. Written here rather than imported: mathjs, the obvious
 * library, costs ~1 s of CLI start-up to import.
 */
export function sampleQuantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}
