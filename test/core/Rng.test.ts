import { describe, expect, it } from "vitest";
import { type DistSpec, distMean, distVariance, sample } from "../../src/core/Distribution.js";
import { Rng } from "../../src/core/Rng.js";

const N = 200_000;

// Sample mean within 5 standard errors: fails with probability < 1e-6 for a
// correct sampler, but catches any wrong formula (which shifts the mean by far more).
function expectMoments(spec: DistSpec, seed = 1) {
  const s = new Rng(seed).stream(`test/${spec.dist}`);
  let sum = 0;
  let sum2 = 0;
  for (let i = 0; i < N; i++) {
    const x = sample(s, spec);
    sum += x;
    sum2 += x * x;
  }
  const mean = sum / N;
  const variance = sum2 / N - mean * mean;
  const se = Math.sqrt(distVariance(spec) / N);
  expect(Math.abs(mean - distMean(spec))).toBeLessThan(5 * se);
  // Variance within 5% (sampling error of the variance is ~1% at this N for these shapes).
  expect(variance / distVariance(spec)).toBeGreaterThan(0.95);
  expect(variance / distVariance(spec)).toBeLessThan(1.05);
}

describe("Rng streams", () => {
  it("same seed and name give the same sequence; different names or seeds differ", () => {
    const a = new Rng(7).stream("agent/0/latency");
    const b = new Rng(7).stream("agent/0/latency");
    const c = new Rng(7).stream("agent/1/latency");
    const d = new Rng(8).stream("agent/0/latency");
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
    expect(Array.from({ length: 5 }, () => d.next())).not.toEqual(xs);
  });

  it("drawing from one stream does not move another", () => {
    const r1 = new Rng(3);
    const r2 = new Rng(3);
    for (let i = 0; i < 100; i++) r1.stream("noise").next();
    expect(r1.stream("x").next()).toBe(r2.stream("x").next());
  });

  it("streams with neighbouring names are uncorrelated", () => {
    const rng = new Rng(1);
    const a = rng.stream("agent/1/answer");
    const b = rng.stream("agent/2/answer");
    let sxy = 0;
    const n = 100_000;
    for (let i = 0; i < n; i++) sxy += (a.next() - 0.5) * (b.next() - 0.5);
    // Correlation of independent uniforms: sd 1/sqrt(n); allow 5 sd.
    expect(Math.abs((sxy / n) * 12)).toBeLessThan(5 / Math.sqrt(n));
  });

  it("uniform, bernoulli, int and categorical have the right frequencies", () => {
    const s = new Rng(2).stream("freq");
    let hits = 0;
    const counts = [0, 0, 0];
    const ints = new Array(5).fill(0);
    for (let i = 0; i < N; i++) {
      if (s.bernoulli(0.3)) hits++;
      counts[s.categorical([1, 2, 7])]++;
      ints[s.int(5)]++;
    }
    const se = (p: number) => Math.sqrt((p * (1 - p)) / N);
    expect(Math.abs(hits / N - 0.3)).toBeLessThan(5 * se(0.3));
    [0.1, 0.2, 0.7].forEach((p, i) => {
      expect(Math.abs(counts[i] / N - p)).toBeLessThan(5 * se(p));
    });
    for (const c of ints) expect(Math.abs(c / N - 0.2)).toBeLessThan(5 * se(0.2));
  });

  it.each<DistSpec>([
    { dist: "uniform", min: 2, max: 5 },
    { dist: "normal", mean: 3, sd: 2 },
    { dist: "lognormal", median: 2, sigma: 0.5 },
    { dist: "exponential", mean: 4 },
    { dist: "gamma", shape: 2.5, scale: 1.5 },
    { dist: "gamma", shape: 0.5, scale: 2 },
    { dist: "beta", a: 2, b: 5 },
    { dist: "pareto", scale: 1, alpha: 4.5 },
  ])("$dist %o has the right mean and variance", (spec) => {
    expectMoments(spec);
  });

  it("fixed is fixed and the normal can be clipped", () => {
    const s = new Rng(1).stream("f");
    expect(sample(s, { dist: "fixed", value: 3 })).toBe(3);
    for (let i = 0; i < 1000; i++)
      expect(sample(s, { dist: "normal", mean: 0, sd: 1, min: 0 })).toBeGreaterThanOrEqual(0);
  });
});
