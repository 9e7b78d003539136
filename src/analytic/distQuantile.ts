import type { DistSpec } from "../core/Distribution.js";
import { distCdf } from "./distCdf.js";

/**
 * The p-quantile of a positive continuous `spec` (0 < p < 1): the x with
 * F(x) = p, by bisection on ln x to a relative precision of 1e-12 (so it works
 * for mixtures, which have no closed form).
 */
export function distQuantile(spec: DistSpec, p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`distQuantile: p must be in (0, 1), got ${p}`);
  let lo = 1;
  let hi = 1;
  while (distCdf(spec, lo) > p && lo > 1e-300) lo /= 2;
  while (distCdf(spec, hi) < p && hi < 1e300) hi *= 2;
  for (let i = 0; i < 200 && hi / lo > 1 + 1e-12; i++) {
    const mid = Math.sqrt(lo * hi);
    if (distCdf(spec, mid) < p) lo = mid;
    else hi = mid;
  }
  return Math.sqrt(lo * hi);
}
