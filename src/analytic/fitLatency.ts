import type { DistSpec } from "../core/Distribution.js";
import { checkPositiveSamples } from "./checkPositiveSamples.js";
import { distCdf } from "./distCdf.js";
import { logLikelihood } from "./distLogPdf.js";
import { distQuantile } from "./distQuantile.js";
import { fitGamma } from "./fitGamma.js";
import { fitLognormal } from "./fitLognormal.js";
import { fitLognormalMixture } from "./fitLognormalMixture.js";
import { aic, bic } from "./informationCriteria.js";
import { ksDistance } from "./ksDistance.js";
import { sampleQuantile } from "./sampleQuantile.js";

/** The names of the candidate families, in the order they are reported. */
export type LatencyFamily = "lognormal" | "gamma" | "lognormal-mixture";

/** One fitted candidate and how well it fits. */
export interface LatencyCandidate {
  name: LatencyFamily;
  /** The maximum-likelihood distribution (unit-free: seconds for latencies). */
  spec: DistSpec;
  /** Free parameters (2, 2 and 5). */
  params: number;
  logLik: number;
  aic: number;
  bic: number;
  /** Kolmogorov–Smirnov distance between the fitted CDF and the samples. */
  ks: number;
}

/** The fits of one sample and the one chosen. */
export interface LatencyFitReport {
  n: number;
  /** The candidate with the lowest BIC. */
  chosen: LatencyCandidate;
  candidates: LatencyCandidate[];
}

/** The smallest sample for which the two-component mixture (5 parameters) is fitted. */
export const MIN_MIXTURE_SAMPLES = 10;

/**
 * Fits positive `samples` (e.g. call latencies in seconds) by maximum likelihood
 * with a lognormal, a gamma and (from MIN_MIXTURE_SAMPLES samples on) a
 * two-component lognormal mixture, and chooses the one with the lowest BIC
 * (the log-likelihood penalized by parameter count, k ln n - 2 ln L). Every
 * candidate is reported with its log-likelihood, AIC, BIC and KS distance.
 * Pure and deterministic: the same samples in any order give the same report.
 */
export function fitLatency(samples: readonly number[]): LatencyFitReport {
  checkPositiveSamples(samples, "fitLatency");
  const n = samples.length;
  const candidate = (name: LatencyFamily, spec: DistSpec, params: number): LatencyCandidate => {
    const ll = logLikelihood(spec, samples);
    return {
      name,
      spec,
      params,
      logLik: ll,
      aic: aic(ll, params),
      bic: bic(ll, params, n),
      ks: ksDistance(samples, (x) => distCdf(spec, x)),
    };
  };
  const candidates = [
    candidate("lognormal", fitLognormal(samples), 2),
    candidate("gamma", fitGamma(samples), 2),
  ];
  if (n >= MIN_MIXTURE_SAMPLES) {
    const { components } = fitLognormalMixture(samples);
    candidates.push(candidate("lognormal-mixture", { dist: "mixture", components }, 5));
  }
  let chosen = candidates[0];
  for (const c of candidates) if (c.bic < chosen.bic) chosen = c;
  return { n, chosen, candidates };
}

/** One quantile of the data beside the same quantile of a fitted distribution. */
export interface QuantilePair {
  p: number;
  data: number;
  fitted: number;
}

/** The quantiles `ps` of `samples` (interpolated, type 7) and of `spec`, side by side. */
export function compareQuantiles(
  samples: readonly number[],
  spec: DistSpec,
  ps: readonly number[] = [0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99],
): QuantilePair[] {
  const sorted = Float64Array.from(samples).sort();
  return ps.map((p) => ({ p, data: sampleQuantile(sorted, p), fitted: distQuantile(spec, p) }));
}
