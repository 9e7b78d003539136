import { describe, expect, it } from "vitest";
import { ksDistance } from "../../src/analytic/ksDistance.js";
import { RandomStream } from "../../src/core/Rng.js";

describe("ksDistance", () => {
  it("is the largest gap of the empirical CDF's steps from F", () => {
    // Uniform(0, 1) against samples 0.1, 0.2, 0.9: steps at 1/3, 2/3, 1.
    // Gaps: 1/3 - 0.1, 0.2 - 1/3 (no: F - (i-1)/n = 0.2 - 1/3 < 0), 2/3 - 0.2 = 0.4667, 0.9 - 2/3, 1 - 0.9.
    expect(ksDistance([0.9, 0.1, 0.2], (x) => x)).toBeCloseTo(2 / 3 - 0.2, 12);
  });

  it("counts a run of tied samples as one jump", () => {
    // Two samples at 0.5 against Uniform(0, 1): just below, F_n = 0 and F = 0.5; at it, F_n = 1.
    expect(ksDistance([0.5, 0.5], (x) => x)).toBeCloseTo(0.5, 12);
  });

  it("is about 1/sqrt(n) for samples from F itself, and large for the wrong F", () => {
    const s = new RandomStream("2", "ks");
    const n = 4000;
    const xs = Array.from({ length: n }, () => s.exponential(1));
    const d = ksDistance(xs, (x) => 1 - Math.exp(-x));
    // P(sqrt(n) D > 1.95) is about 0.001 (Kolmogorov distribution).
    expect(d * Math.sqrt(n)).toBeLessThan(1.95);
    expect(ksDistance(xs, (x) => 1 - Math.exp(-x / 2))).toBeGreaterThan(0.2);
  });
});
