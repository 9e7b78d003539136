import type { RandomSource } from "./RandomSource.js";

/** One distribution (any kind but a mixture), in normalized (unit-free) form. */
export type SimpleDistSpec =
  | { dist: "fixed"; value: number }
  | { dist: "uniform"; min: number; max: number }
  | { dist: "normal"; mean: number; sd: number; min?: number }
  | { dist: "lognormal"; median: number; sigma: number }
  | { dist: "exponential"; mean: number }
  | { dist: "gamma"; shape: number; scale: number }
  | { dist: "pareto"; scale: number; alpha: number }
  | { dist: "beta"; a: number; b: number };

/** A component of a mixture: a distribution and its weight (the weights of a mixture sum to 1). */
export type MixtureComponent = SimpleDistSpec & { weight: number };

/** A probability distribution in normalized (unit-free) form; see distributionSchema for the file syntax. */
export type DistSpec = SimpleDistSpec | { dist: "mixture"; components: MixtureComponent[] };

// The component a uniform u in [0, 1) picks: the first whose cumulative weight exceeds u.
function pickComponent(components: readonly MixtureComponent[], u: number): MixtureComponent {
  let total = 0;
  for (const c of components) total += c.weight;
  let r = u * total;
  for (const c of components) {
    r -= c.weight;
    if (r < 0) return c;
  }
  return components[components.length - 1];
}

/** Draws one value of `spec` from `stream`. */
export function sample(stream: RandomSource, spec: DistSpec): number {
  switch (spec.dist) {
    case "fixed":
      return spec.value;
    case "uniform":
      return stream.uniform(spec.min, spec.max);
    case "normal": {
      const x = stream.normal(spec.mean, spec.sd);
      return spec.min !== undefined && x < spec.min ? spec.min : x;
    }
    case "lognormal":
      return stream.lognormal(Math.log(spec.median), spec.sigma);
    case "exponential":
      return stream.exponential(1 / spec.mean);
    case "gamma":
      return stream.gamma(spec.shape, spec.scale);
    case "pareto":
      return stream.pareto(spec.scale, spec.alpha);
    case "beta":
      return stream.beta(spec.a, spec.b);
    case "mixture":
      // One uniform picks the component, which then draws from the same stream.
      return sample(stream, pickComponent(spec.components, stream.next()));
  }
}

/** The mean of `spec` (Infinity for a Pareto with alpha <= 1; the untruncated mean for a clipped normal). */
export function distMean(spec: DistSpec): number {
  switch (spec.dist) {
    case "fixed":
      return spec.value;
    case "uniform":
      return (spec.min + spec.max) / 2;
    case "normal":
      return spec.mean;
    case "lognormal":
      // E[exp(N(mu, s^2))] = exp(mu + s^2/2)
      return spec.median * Math.exp((spec.sigma * spec.sigma) / 2);
    case "exponential":
      return spec.mean;
    case "gamma":
      return spec.shape * spec.scale;
    case "pareto":
      return spec.alpha > 1
        ? (spec.alpha * spec.scale) / (spec.alpha - 1)
        : Number.POSITIVE_INFINITY;
    case "beta":
      return spec.a / (spec.a + spec.b);
    case "mixture": {
      let m = 0;
      for (const c of spec.components) m += c.weight * distMean(c);
      return m;
    }
  }
}

/** The variance of `spec` (Infinity for a Pareto with alpha <= 2). */
export function distVariance(spec: DistSpec): number {
  switch (spec.dist) {
    case "fixed":
      return 0;
    case "uniform":
      return (spec.max - spec.min) ** 2 / 12;
    case "normal":
      return spec.sd * spec.sd;
    case "lognormal": {
      const s2 = spec.sigma * spec.sigma;
      return (Math.exp(s2) - 1) * spec.median * spec.median * Math.exp(s2);
    }
    case "exponential":
      return spec.mean * spec.mean;
    case "gamma":
      return spec.shape * spec.scale * spec.scale;
    case "pareto": {
      const a = spec.alpha;
      return a > 2
        ? (spec.scale * spec.scale * a) / ((a - 1) ** 2 * (a - 2))
        : Number.POSITIVE_INFINITY;
    }
    case "beta": {
      const { a, b } = spec;
      return (a * b) / ((a + b) ** 2 * (a + b + 1));
    }
    case "mixture": {
      // Law of total variance: E[Var | component] + Var[E | component].
      const m = distMean(spec);
      let v = 0;
      for (const c of spec.components) v += c.weight * (distVariance(c) + (distMean(c) - m) ** 2);
      return v;
    }
  }
}

/**
 * E[1/X] of a positive `spec` (e.g. seconds per token of a decode speed): exact
 * for fixed, uniform, lognormal, gamma (shape > 1), Pareto and mixtures of
 * those; NaN where it is not finite or has no closed form here.
 */
export function distMeanReciprocal(spec: DistSpec): number {
  switch (spec.dist) {
    case "fixed":
      return spec.value > 0 ? 1 / spec.value : Number.NaN;
    case "uniform":
      if (spec.min <= 0) return Number.NaN;
      return spec.max === spec.min
        ? 1 / spec.min
        : Math.log(spec.max / spec.min) / (spec.max - spec.min);
    case "lognormal":
      // E[exp(-N(mu, s^2))] = exp(-mu + s^2/2)
      return Math.exp((spec.sigma * spec.sigma) / 2) / spec.median;
    case "gamma":
      return spec.shape > 1 ? 1 / (spec.scale * (spec.shape - 1)) : Number.NaN;
    case "pareto":
      return spec.alpha / ((spec.alpha + 1) * spec.scale);
    case "mixture": {
      let m = 0;
      for (const c of spec.components) m += c.weight * distMeanReciprocal(c);
      return m;
    }
    default:
      return Number.NaN;
  }
}
