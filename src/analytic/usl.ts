import { z } from "zod";
import type { Law } from "./Law.js";

const params = z.strictObject({
  /** Contention (serialization) coefficient alpha >= 0. */
  alpha: z.number().min(0),
  /** Coherency (crosstalk) coefficient beta >= 0: every pair of workers pays it. */
  beta: z.number().min(0),
});

/** USL relative capacity C(n) = n / (1 + alpha (n-1) + beta n (n-1)). */
export function uslCapacity(n: number, alpha: number, beta: number): number {
  return n / (1 + alpha * (n - 1) + beta * n * (n - 1));
}

/**
 * Whether capacity falls from n = 1 on (retrograde from the start): C'(n) has the
 * sign of 1 - alpha - beta n^2, so it falls at n = 1 once alpha + beta >= 1
 * (with beta = 0, once alpha > 1: each worker adds more contention than work).
 */
export function uslRetrograde(alpha: number, beta: number): boolean {
  return beta > 0 ? alpha + beta >= 1 : alpha > 1;
}

/**
 * The team size n >= 1 of peak capacity: n* = sqrt((1 - alpha) / beta), or 1 where
 * capacity falls from n = 1 on (uslRetrograde; n* would be below 1, where there
 * are no teams); Infinity when it never falls (beta = 0, alpha <= 1).
 */
export function uslPeak(alpha: number, beta: number): number {
  if (uslRetrograde(alpha, beta)) return 1;
  if (beta <= 0) return Number.POSITIVE_INFINITY;
  return Math.sqrt((1 - alpha) / beta);
}

/**
 * Gunther's Universal Scalability Law: contention (alpha) flattens the curve
 * like Amdahl's serial fraction, coherency (beta) makes it fall past n*.
 */
export const usl: Law<typeof params> = {
  name: "usl",
  family: "speedup",
  summary: "Universal Scalability Law: capacity with contention alpha and coherency beta",
  formula: "C(n) = n / (1 + alpha (n - 1) + beta n (n - 1)); peak at n* = sqrt((1 - alpha) / beta)",
  source:
    "N. J. Gunther, 'A simple capacity model of massively parallel transaction systems', CMG 1993; N. J. Gunther, Guerrilla Capacity Planning, Springer 2007",
  params,
  value: (n, { alpha, beta }) => uslCapacity(n, alpha, beta),
  exactness: "closed form",
};

/** One measurement for fitUsl: team size and speedup (or throughput, see UslFitOptions). */
export interface UslPoint {
  n: number;
  y: number;
}

/** Options of fitUsl. */
export interface UslFitOptions {
  /** y is a throughput (e.g. items/s), not a speedup: normalize by gamma = y at n = 1 (required then). */
  throughput?: boolean;
}

/** The fitted coefficients and the quality of the fit. */
export interface UslFit {
  alpha: number;
  beta: number;
  /** Throughput of one worker (only when fitting throughputs). */
  gamma?: number;
  /** Coefficient of determination of the fitted C(n) against the measured speedups. */
  r2: number;
  /** uslPeak(alpha, beta). */
  n_star: number;
}

/**
 * Least-squares USL fit. With C = y (or y / y(1) for throughputs), the model is
 * linear after n / C(n) - 1 = alpha (n - 1) + beta n (n - 1): a two-parameter
 * linear least squares with no intercept (Gunther 2007, ch. 5). A negative
 * coefficient is clamped to 0 and the other refitted alone. r2 is computed on
 * C(n) itself, not on the linearized values. Averaged measurements at the same
 * n are fine; n = 1 points carry no information about alpha, beta.
 */
export function fitUsl(points: readonly UslPoint[], options: UslFitOptions = {}): UslFit {
  if (points.length === 0) throw new Error("fitUsl needs at least one point");
  for (const { n, y } of points)
    if (!(n >= 1) || !(y > 0)) throw new Error(`fitUsl: bad point n=${n}, y=${y}`);
  let gamma: number | undefined;
  let scaled = points;
  if (options.throughput) {
    const ones = points.filter((p) => p.n === 1);
    if (ones.length === 0) throw new Error("fitUsl: a throughput fit needs a point at n = 1");
    gamma = ones.reduce((s, p) => s + p.y, 0) / ones.length;
    const g = gamma;
    scaled = points.map((p) => ({ n: p.n, y: p.y / g }));
  }
  // Normal equations of t = alpha x1 + beta x2 with x1 = n - 1, x2 = n (n - 1), t = n / C - 1.
  let s11 = 0;
  let s12 = 0;
  let s22 = 0;
  let s1t = 0;
  let s2t = 0;
  for (const { n, y } of scaled) {
    const x1 = n - 1;
    const x2 = n * (n - 1);
    const t = n / y - 1;
    s11 += x1 * x1;
    s12 += x1 * x2;
    s22 += x2 * x2;
    s1t += x1 * t;
    s2t += x2 * t;
  }
  let alpha = 0;
  let beta = 0;
  const det = s11 * s22 - s12 * s12;
  if (det > 1e-12 * s11 * s22) {
    alpha = (s22 * s1t - s12 * s2t) / det;
    beta = (s11 * s2t - s12 * s1t) / det;
  } else if (s11 > 0) {
    // A single team size besides n = 1: alpha and beta are not separable; take beta = 0.
    alpha = s1t / s11;
  }
  if (alpha < 0 || beta < 0) {
    const onlyAlpha = s11 > 0 ? Math.max(0, s1t / s11) : 0;
    const onlyBeta = s22 > 0 ? Math.max(0, s2t / s22) : 0;
    // Keep the one-parameter fit with the smaller residual of the linearized model.
    const sse = (a: number, b: number) =>
      scaled.reduce((s, { n, y }) => s + (n / y - 1 - a * (n - 1) - b * n * (n - 1)) ** 2, 0);
    if (sse(onlyAlpha, 0) <= sse(0, onlyBeta)) {
      alpha = onlyAlpha;
      beta = 0;
    } else {
      alpha = 0;
      beta = onlyBeta;
    }
  }
  const mean = scaled.reduce((s, p) => s + p.y, 0) / scaled.length;
  let ssRes = 0;
  let ssTot = 0;
  for (const { n, y } of scaled) {
    ssRes += (y - uslCapacity(n, alpha, beta)) ** 2;
    ssTot += (y - mean) ** 2;
  }
  const r2 = ssTot > 0 ? 1 - ssRes / ssTot : ssRes === 0 ? 1 : 0;
  const fit: UslFit = { alpha, beta, r2, n_star: uslPeak(alpha, beta) };
  if (gamma !== undefined) fit.gamma = gamma;
  return fit;
}
