import { z } from "zod";
import { gammaPQ, harmonic, integrate, normalTails } from "./special.js";
import { betainc } from "./stdlib.js";

// Shared by straggler-max, quorum-wait and hedge: one call's latency distribution
// and the expected k-th order statistic of n i.i.d. latencies.

const positive = z.number().positive();

/** The fields of a latency distribution, flattened for `--param` (dist picks which are used). */
const DIST_NAMES = {
  exponential: "exponential",
  lognormal: "lognormal",
  gamma: "gamma",
  uniform: "uniform",
} as const;

export const latencyFields = {
  // The parsed name is swapped for the literal: a string built by a parser and
  // switched on in optimized code intermittently matched no case on Node 20
  // (V8 11.3), under load, making latencyCdf return undefined (1-2% of runs).
  dist: z
    .enum(["exponential", "lognormal", "gamma", "uniform"])
    .default("exponential")
    .transform((name) => DIST_NAMES[name]),
  /** exponential: the mean. */
  mean: positive.optional(),
  /** lognormal: the median exp(mu). */
  median: positive.optional(),
  /** lognormal: sigma of the log. */
  sigma: positive.optional(),
  /** gamma: shape k. */
  shape: positive.optional(),
  /** gamma: scale theta (mean k theta). */
  scale: positive.optional(),
  /** uniform: lower end (>= 0: a latency). */
  min: z.number().min(0).optional(),
  /** uniform: upper end. */
  max: z.number().min(0).optional(),
};

const NEEDS: Record<string, readonly (keyof typeof latencyFields)[]> = {
  exponential: ["mean"],
  lognormal: ["median", "sigma"],
  gamma: ["shape", "scale"],
  uniform: ["min", "max"],
};

type Flat = { [K in keyof typeof latencyFields]?: unknown } & { dist: string };

/** Checks that the fields `dist` needs are given and no others (a zod superRefine). */
export function checkLatencyFields(v: Flat, ctx: z.RefinementCtx): void {
  const needs = NEEDS[v.dist] ?? [];
  for (const f of needs)
    if (v[f] === undefined)
      ctx.addIssue({ code: "custom", path: [f], message: `${f} (required by dist ${v.dist})` });
  for (const f of Object.keys(latencyFields) as (keyof typeof latencyFields)[])
    if (f !== "dist" && v[f] !== undefined && !needs.includes(f))
      ctx.addIssue({ code: "custom", path: [f], message: `no ${f} for dist ${v.dist}` });
  if (v.dist === "uniform" && typeof v.min === "number" && typeof v.max === "number")
    if (v.max <= v.min) ctx.addIssue({ code: "custom", path: ["max"], message: "max > min" });
}

/** A latency distribution in the laws' flat form. */
export interface LatencyDist {
  dist: "exponential" | "lognormal" | "gamma" | "uniform";
  mean?: number;
  median?: number;
  sigma?: number;
  shape?: number;
  scale?: number;
  min?: number;
  max?: number;
}

// A field the schema guaranteed (exponential without mean: mean 1).
function need(v: number | undefined, fallback = 1): number {
  return v ?? fallback;
}

/** F(x) and 1 - F(x), each computed without cancellation. */
export function latencyCdf(d: LatencyDist, x: number): { cdf: number; sf: number } {
  if (x <= 0) return { cdf: 0, sf: 1 };
  switch (d.dist) {
    case "exponential": {
      const r = x / need(d.mean);
      return { cdf: -Math.expm1(-r), sf: Math.exp(-r) };
    }
    case "lognormal": {
      const t = normalTails(Math.log(x / need(d.median)) / need(d.sigma));
      return { cdf: t.lower, sf: t.upper };
    }
    case "gamma": {
      const g = gammaPQ(need(d.shape), x / need(d.scale));
      return { cdf: g.p, sf: g.q };
    }
    case "uniform": {
      const lo = need(d.min, 0);
      const hi = need(d.max);
      const c = Math.min(1, Math.max(0, (x - lo) / (hi - lo)));
      return { cdf: c, sf: 1 - c };
    }
  }
}

/** P(X_(k:n) > x): fewer than k of n latencies are <= x. */
function orderSurvival(d: LatencyDist, x: number, k: number, n: number): number {
  const { cdf, sf } = latencyCdf(d, x);
  if (cdf <= 0) return 1;
  if (sf <= 0) return 0;
  // P(Bin(n, F) <= k-1): use the smaller of F, 1-F as the argument for accuracy.
  if (cdf <= 0.5) return betainc(cdf, k, n - k + 1, true, true);
  return betainc(sf, n - k + 1, k, true, false);
}

/**
 * E[X_(k:n)], the expected k-th smallest of n i.i.d. latencies (k = n: the
 * slowest, a synchronous round; k = 1: the fastest, a hedged request). NaN when
 * k > n (fewer calls than the quorum waits for) or k < 1.
 *
 * Closed forms: exponential sum_{i=0}^{k-1} mean / (n - i) (Renyi's
 * representation), uniform min + (max - min) k / (n + 1). Otherwise numerical:
 * E = ∫_0^∞ P(X_(k:n) > x) dx with x = c e^z (c the median or mean), i.e.
 * ∫ P(X_(k:n) > c e^z) c e^z dz, by adaptive 10-point Gauss-Legendre over
 * z in [ln 1e-16, z_hi] (z_hi where n (1 - F) x < 1e-17 c; below the lower end
 * P = 1 and the piece c e^{z_lo} is added exactly); absolute tolerance
 * 1e-12 c, so the result is accurate to about 1e-10 relative.
 */
export function expectedOrderStatistic(d: LatencyDist, k: number, n: number): number {
  if (!Number.isInteger(k) || !Number.isInteger(n) || k < 1 || k > n) return Number.NaN;
  switch (d.dist) {
    case "exponential": {
      const mean = need(d.mean);
      if (k === n) return mean * harmonic(n);
      let s = 0;
      for (let i = 0; i < k; i++) s += 1 / (n - i);
      return mean * s;
    }
    case "uniform": {
      const lo = need(d.min, 0);
      return lo + ((need(d.max) - lo) * k) / (n + 1);
    }
    case "lognormal":
    case "gamma": {
      const c = d.dist === "lognormal" ? need(d.median) : need(d.shape) * need(d.scale);
      const zLo = Math.log(1e-16);
      let zHi = 0;
      while (zHi < 200) {
        const x = c * Math.exp(zHi);
        if (n * latencyCdf(d, x).sf * Math.exp(zHi) < 1e-17) break;
        zHi += 0.5;
      }
      const f = (z: number) => {
        const x = c * Math.exp(z);
        return orderSurvival(d, x, k, n) * x;
      };
      const panels = Math.ceil((zHi - zLo) * 4);
      return c * Math.exp(zLo) + integrate(f, zLo, zHi, 1e-12 * c, panels);
    }
  }
}
