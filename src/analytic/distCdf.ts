import type { DistSpec } from "../core/Distribution.js";
import { gammaPQ, normalTails } from "./special.js";

/**
 * P(X <= x) for `spec`: closed forms for every kind (a mixture is the weighted
 * sum of its components'); used to compare a fitted distribution with data.
 */
export function distCdf(spec: DistSpec, x: number): number {
  switch (spec.dist) {
    case "fixed":
      return x >= spec.value ? 1 : 0;
    case "uniform":
      if (spec.max === spec.min) return x >= spec.min ? 1 : 0;
      return Math.min(1, Math.max(0, (x - spec.min) / (spec.max - spec.min)));
    case "normal": {
      if (spec.min !== undefined && x < spec.min) return 0;
      if (spec.sd === 0) return x >= spec.mean ? 1 : 0;
      return normalTails((x - spec.mean) / spec.sd).lower;
    }
    case "lognormal":
      if (x <= 0) return 0;
      if (spec.sigma === 0) return x >= spec.median ? 1 : 0;
      return normalTails(Math.log(x / spec.median) / spec.sigma).lower;
    case "exponential":
      return x <= 0 ? 0 : -Math.expm1(-x / spec.mean);
    case "gamma":
      return gammaPQ(spec.shape, x / spec.scale).p;
    case "pareto":
      return x <= spec.scale ? 0 : 1 - (spec.scale / x) ** spec.alpha;
    case "beta":
      throw new RangeError("distCdf: no CDF for beta distributions here");
    case "mixture": {
      let p = 0;
      for (const c of spec.components) p += c.weight * distCdf(c, x);
      return Math.min(1, p);
    }
  }
}
