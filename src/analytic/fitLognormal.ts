import { checkPositiveSamples } from "./checkPositiveSamples.js";

/** A lognormal fitted to data: median exp(mu) and sigma, the sd of ln x. */
export interface LognormalFit {
  dist: "lognormal";
  median: number;
  sigma: number;
}

/**
 * The maximum-likelihood lognormal of positive `samples`: mu and sigma are the
 * mean and the (1/n) standard deviation of ln x. Needs two distinct samples.
 */
export function fitLognormal(samples: readonly number[]): LognormalFit {
  checkPositiveSamples(samples, "fitLognormal");
  const n = samples.length;
  let mu = 0;
  for (const x of samples) mu += Math.log(x);
  mu /= n;
  let ss = 0;
  for (const x of samples) ss += (Math.log(x) - mu) ** 2;
  return { dist: "lognormal", median: Math.exp(mu), sigma: Math.sqrt(ss / n) };
}
