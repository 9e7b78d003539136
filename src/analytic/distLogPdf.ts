import type { DistSpec } from "../core/Distribution.js";
import { lnGamma } from "./special.js";

const HALF_LN_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * ln f(x), the log density of `spec` at x, for the continuous kinds the fits
 * produce (lognormal, gamma, exponential, and mixtures of them); -Infinity
 * outside the support. Other kinds are a RangeError.
 */
export function distLogPdf(spec: DistSpec, x: number): number {
  switch (spec.dist) {
    case "lognormal": {
      if (x <= 0) return Number.NEGATIVE_INFINITY;
      const z = Math.log(x / spec.median) / spec.sigma;
      return -Math.log(x) - Math.log(spec.sigma) - HALF_LN_2PI - (z * z) / 2;
    }
    case "gamma":
      if (x <= 0) return Number.NEGATIVE_INFINITY;
      return (
        (spec.shape - 1) * Math.log(x) -
        x / spec.scale -
        lnGamma(spec.shape) -
        spec.shape * Math.log(spec.scale)
      );
    case "exponential":
      return x < 0 ? Number.NEGATIVE_INFINITY : -Math.log(spec.mean) - x / spec.mean;
    case "mixture": {
      // log-sum-exp over the components, so a far tail does not underflow to -Infinity.
      const terms = spec.components.map((c) => Math.log(c.weight) + distLogPdf(c, x));
      const top = Math.max(...terms);
      if (top === Number.NEGATIVE_INFINITY) return top;
      let s = 0;
      for (const t of terms) s += Math.exp(t - top);
      return top + Math.log(s);
    }
    default:
      throw new RangeError(`distLogPdf: no density for ${spec.dist} distributions here`);
  }
}

/** The log-likelihood Σ ln f(x_i) of `samples` under `spec`. */
export function logLikelihood(spec: DistSpec, samples: readonly number[]): number {
  let ll = 0;
  for (const x of samples) ll += distLogPdf(spec, x);
  return ll;
}
