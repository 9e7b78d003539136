import type { RandomStream } from "./Rng.js";

/** A probability distribution in normalized (unit-free) form; see distributionSchema for the file syntax. */
export type DistSpec =
  | { dist: "fixed"; value: number }
  | { dist: "uniform"; min: number; max: number }
  | { dist: "normal"; mean: number; sd: number; min?: number }
  | { dist: "lognormal"; median: number; sigma: number }
  | { dist: "exponential"; mean: number }
  | { dist: "gamma"; shape: number; scale: number }
  | { dist: "pareto"; scale: number; alpha: number }
  | { dist: "beta"; a: number; b: number };

/** Draws one value of `spec` from `stream`. */
export function sample(stream: RandomStream, spec: DistSpec): number {
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
  }
}
