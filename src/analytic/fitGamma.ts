import { checkPositiveSamples } from "./checkPositiveSamples.js";
import { digamma, trigamma } from "./special.js";

/** A gamma distribution fitted to data: shape k and scale theta (mean k theta). */
export interface GammaFit {
  dist: "gamma";
  shape: number;
  scale: number;
}

/**
 * The maximum-likelihood gamma of positive `samples`. The shape k solves
 * ln k - ψ(k) = s with s = ln(mean x) - mean(ln x), by Newton's method
 * (derivative 1/k - ψ'(k)) from Minka's closed-form start
 * (3 - s + sqrt((s - 3)² + 24 s)) / (12 s); the scale is mean / k.
 */
export function fitGamma(samples: readonly number[]): GammaFit {
  checkPositiveSamples(samples, "fitGamma");
  const n = samples.length;
  let sum = 0;
  let sumLog = 0;
  for (const x of samples) {
    sum += x;
    sumLog += Math.log(x);
  }
  const mean = sum / n;
  const s = Math.log(mean) - sumLog / n;
  let k = (3 - s + Math.sqrt((s - 3) ** 2 + 24 * s)) / (12 * s);
  for (let i = 0; i < 100; i++) {
    const f = Math.log(k) - digamma(k) - s;
    const df = 1 / k - trigamma(k);
    let next = k - f / df;
    // f is decreasing and convex in k, so Newton does not overshoot from the
    // start; the guard only keeps k positive if rounding says otherwise.
    if (!(next > 0)) next = k / 2;
    const done = Math.abs(next - k) <= 1e-14 * k;
    k = next;
    if (done) break;
  }
  return { dist: "gamma", shape: k, scale: mean / k };
}
