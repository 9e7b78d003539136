import { checkPositiveSamples } from "./checkPositiveSamples.js";
import { sampleQuantile } from "./sampleQuantile.js";

/** One component of a fitted lognormal mixture. */
export interface LognormalComponent {
  weight: number;
  dist: "lognormal";
  median: number;
  sigma: number;
}

/** A two-component lognormal mixture fitted to data, components by ascending median. */
export interface LognormalMixtureFit {
  dist: "mixture";
  components: [LognormalComponent, LognormalComponent];
  /** Its log-likelihood (of the samples x, not of ln x). */
  logLik: number;
  /** EM iterations of the best start. */
  iterations: number;
}

/** Options of the EM fit. */
export interface MixtureFitOptions {
  /** Smallest sigma of a component (keeps a component from collapsing onto tied samples). */
  minSigma?: number;
  /** Most EM iterations in all for the best start. */
  maxIterations?: number;
}

interface Params {
  w: number;
  mu1: number;
  s1: number;
  mu2: number;
  s2: number;
}

const HALF_LN_2PI = 0.5 * Math.log(2 * Math.PI);
// EM iterations of each start before the best one is picked.
const SCOUT_ITERATIONS = 50;

function logNormalDensity(y: number, mu: number, s: number): number {
  const z = (y - mu) / s;
  return -Math.log(s) - HALF_LN_2PI - (z * z) / 2;
}

// Mean and (1/n) sd of ys[from, to), the sd at least `floor`.
function moments(ys: Float64Array, from: number, to: number, floor: number) {
  let m = 0;
  for (let i = from; i < to; i++) m += ys[i];
  m /= to - from;
  let v = 0;
  for (let i = from; i < to; i++) v += (ys[i] - m) ** 2;
  return { mu: m, s: Math.max(floor, Math.sqrt(v / (to - from))) };
}

// Components from a split of the sorted logs at index `cut` (both sides non-empty).
function splitAt(ys: Float64Array, cut: number, floor: number): Params {
  const a = moments(ys, 0, cut, floor);
  const b = moments(ys, cut, ys.length, floor);
  return { w: cut / ys.length, mu1: a.mu, s1: a.s, mu2: b.mu, s2: b.s };
}

// 1-D k-means with two centres (Lloyd's algorithm) on sorted logs: the cut index.
function kMeansCut(ys: Float64Array, c1: number, c2: number): number {
  let cut = -1;
  for (let it = 0; it < 100; it++) {
    const mid = (c1 + c2) / 2;
    let next = 0;
    while (next < ys.length && ys[next] <= mid) next++;
    if (next === cut || next === 0 || next === ys.length) {
      cut = next;
      break;
    }
    cut = next;
    c1 = moments(ys, 0, cut, 0).mu;
    c2 = moments(ys, cut, ys.length, 0).mu;
  }
  return cut;
}

// EM for a two-component normal mixture of the logs; returns the converged
// parameters and the log-likelihood of the logs.
function em(ys: Float64Array, start: Params, floor: number, maxIterations: number) {
  const n = ys.length;
  const r = new Float64Array(n);
  let p = { ...start };
  let ll = Number.NEGATIVE_INFINITY;
  let it = 0;
  for (; it < maxIterations; it++) {
    // E step: responsibilities of component 1, and the log-likelihood.
    // ln(w f1) = c1 - (y - mu1)² h1 with c1 = ln w - ln s1 - ln sqrt(2 pi), h1 = 1 / (2 s1²);
    // one exp and one log1p per sample.
    let next = 0;
    const c1 = Math.log(p.w) - Math.log(p.s1) - HALF_LN_2PI;
    const c2 = Math.log(1 - p.w) - Math.log(p.s2) - HALF_LN_2PI;
    const h1 = 1 / (2 * p.s1 * p.s1);
    const h2 = 1 / (2 * p.s2 * p.s2);
    for (let i = 0; i < n; i++) {
      const a = c1 - (ys[i] - p.mu1) ** 2 * h1;
      const b = c2 - (ys[i] - p.mu2) ** 2 * h2;
      if (a >= b) {
        const e = Math.exp(b - a);
        r[i] = 1 / (1 + e);
        next += a + Math.log1p(e);
      } else {
        const e = Math.exp(a - b);
        r[i] = e / (1 + e);
        next += b + Math.log1p(e);
      }
    }
    const converged = next - ll <= 1e-10 * Math.abs(next) && it > 0;
    ll = next;
    if (converged) break;
    // M step: weighted means and sds; the weight is the mean responsibility.
    let n1 = 0;
    let m1 = 0;
    let m2 = 0;
    for (let i = 0; i < n; i++) {
      n1 += r[i];
      m1 += r[i] * ys[i];
      m2 += (1 - r[i]) * ys[i];
    }
    const n2 = n - n1;
    if (n1 < 1e-9 || n2 < 1e-9) break; // one component took everything
    m1 /= n1;
    m2 /= n2;
    let v1 = 0;
    let v2 = 0;
    for (let i = 0; i < n; i++) {
      v1 += r[i] * (ys[i] - m1) ** 2;
      v2 += (1 - r[i]) * (ys[i] - m2) ** 2;
    }
    p = {
      w: n1 / n,
      mu1: m1,
      s1: Math.max(floor, Math.sqrt(v1 / n1)),
      mu2: m2,
      s2: Math.max(floor, Math.sqrt(v2 / n2)),
    };
  }
  // Out of iterations: ll is still that of the previous parameters.
  if (it === maxIterations) ll = logLikOfLogs(ys, p);
  return { p, ll, iterations: it };
}

function logLikOfLogs(ys: Float64Array, p: Params): number {
  let ll = 0;
  for (const y of ys) {
    const a = Math.log(p.w) + logNormalDensity(y, p.mu1, p.s1);
    const b = Math.log(1 - p.w) + logNormalDensity(y, p.mu2, p.s2);
    const top = Math.max(a, b);
    ll += top + Math.log(Math.exp(a - top) + Math.exp(b - top));
  }
  return ll;
}

/**
 * The maximum-likelihood mixture of two lognormals for positive `samples`, by
 * expectation-maximization on ln x (a lognormal mixture is a normal mixture of
 * the logs). EM finds a local maximum, so it runs from several deterministic
 * starts (the sorted logs split at their 20%, 50% and 80% points, and 1-D
 * k-means from the quartiles), 50 iterations each, and continues the most
 * likely one until the log-likelihood changes by less than 1e-10 of itself
 * (at most 2000 iterations in all). The result does not depend on the order
 * of the samples. Needs at least 4 samples.
 */
export function fitLognormalMixture(
  samples: readonly number[],
  options: MixtureFitOptions = {},
): LognormalMixtureFit {
  checkPositiveSamples(samples, "fitLognormalMixture");
  if (samples.length < 4) throw new RangeError("fitLognormalMixture: needs at least 4 samples");
  const floor = options.minSigma ?? 0.01;
  const maxIterations = options.maxIterations ?? 2000;
  const ys = Float64Array.from(samples, (x) => Math.log(x)).sort();
  const n = ys.length;
  let sumY = 0;
  for (const y of ys) sumY += y;
  const cuts = new Set<number>();
  for (const q of [0.5, 0.2, 0.8]) cuts.add(Math.min(n - 1, Math.max(1, Math.round(q * n))));
  const km = kMeansCut(ys, sampleQuantile(ys, 0.25), sampleQuantile(ys, 0.75));
  if (km > 0 && km < n) cuts.add(km);
  // Every start runs a short while; only the most likely one is run to convergence
  // (EM crawls where the two components overlap, so running all would cost 4x).
  let best: ReturnType<typeof em> | undefined;
  for (const cut of cuts) {
    const fit = em(ys, splitAt(ys, cut, floor), floor, Math.min(SCOUT_ITERATIONS, maxIterations));
    if (best === undefined || fit.ll > best.ll) best = fit;
  }
  if (best === undefined) throw new Error("fitLognormalMixture: no start");
  if (best.iterations >= SCOUT_ITERATIONS) {
    const more = em(ys, best.p, floor, maxIterations - best.iterations);
    best = { ...more, iterations: best.iterations + more.iterations };
  }
  const { p } = best;
  const a: LognormalComponent = {
    weight: p.w,
    dist: "lognormal",
    median: Math.exp(p.mu1),
    sigma: p.s1,
  };
  const b: LognormalComponent = {
    weight: 1 - p.w,
    dist: "lognormal",
    median: Math.exp(p.mu2),
    sigma: p.s2,
  };
  return {
    dist: "mixture",
    components: a.median <= b.median ? [a, b] : [b, a],
    // ln f_X(x) = ln f_Y(ln x) - ln x
    logLik: best.ll - sumY,
    iterations: best.iterations,
  };
}
