import { describe, expect, it } from "vitest";
import { logLikelihood } from "../../src/analytic/distLogPdf.js";
import { fitLognormal } from "../../src/analytic/fitLognormal.js";
import { fitLognormalMixture } from "../../src/analytic/fitLognormalMixture.js";
import { RandomStream } from "../../src/core/Rng.js";

// A bimodal sample like the paper's call latencies: most calls near 2.5 s, a
// quarter near 25 s.
function bimodal(n: number, seed = 3): number[] {
  const s = new RandomStream(String(seed), "mixture");
  return Array.from({ length: n }, () =>
    s.next() < 0.75 ? s.lognormal(Math.log(2.5), 0.6) : s.lognormal(Math.log(25), 0.4),
  );
}

describe("fitLognormalMixture", () => {
  it("recovers weights, medians and sigmas of a two-mode sample within 4 standard errors", () => {
    const n = 8000;
    const fit = fitLognormalMixture(bimodal(n));
    const [a, b] = fit.components;
    // Standard errors if the labels were known (the overlap only adds a little):
    // weight sqrt(w(1-w)/n), log-median sigma / sqrt(n w), sigma sigma / sqrt(2 n w).
    expect(Math.abs(a.weight - 0.75)).toBeLessThan(4 * Math.sqrt((0.75 * 0.25) / n) * 1.5);
    expect(a.weight + b.weight).toBeCloseTo(1, 12);
    expect(Math.abs(Math.log(a.median / 2.5))).toBeLessThan((4 * 0.6) / Math.sqrt(n * 0.75));
    expect(Math.abs(Math.log(b.median / 25))).toBeLessThan((4 * 0.4) / Math.sqrt(n * 0.25));
    expect(Math.abs(a.sigma - 0.6)).toBeLessThan((4 * 0.6) / Math.sqrt(2 * n * 0.75));
    expect(Math.abs(b.sigma - 0.4)).toBeLessThan((4 * 0.4) / Math.sqrt(2 * n * 0.25));
  });

  it("reports the log-likelihood of x (not of ln x), above the single lognormal's", () => {
    const xs = bimodal(2000, 9);
    const fit = fitLognormalMixture(xs);
    const spec = { dist: "mixture" as const, components: fit.components };
    expect(fit.logLik).toBeCloseTo(logLikelihood(spec, xs), 6);
    expect(fit.logLik).toBeGreaterThan(logLikelihood(fitLognormal(xs), xs) + 100);
  });

  it("does not depend on the order of the samples", () => {
    const xs = bimodal(500, 4);
    const reversed = [...xs].reverse();
    expect(fitLognormalMixture(reversed)).toEqual(fitLognormalMixture(xs));
  });

  it("keeps sigmas above the floor when samples tie", () => {
    const xs = [1, 1, 1, 1, 1, 1, 5, 6, 7, 8, 9];
    const fit = fitLognormalMixture(xs, { minSigma: 0.05 });
    for (const c of fit.components) expect(c.sigma).toBeGreaterThanOrEqual(0.05);
    expect(Number.isFinite(fit.logLik)).toBe(true);
  });
});
