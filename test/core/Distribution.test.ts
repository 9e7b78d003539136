import { describe, expect, it } from "vitest";
import {
  type DistSpec,
  distMean,
  distMeanReciprocal,
  distVariance,
  sample,
} from "../../src/core/Distribution.js";
import { RandomStream } from "../../src/core/Rng.js";

const MIX: DistSpec = {
  dist: "mixture",
  components: [
    { weight: 0.7, dist: "lognormal", median: 3, sigma: 0.5 },
    { weight: 0.3, dist: "fixed", value: 40 },
  ],
};

describe("mixture distribution", () => {
  it("draws one uniform to pick the component, then the component's draws from the same stream", () => {
    const a = new RandomStream("s", "x");
    const b = new RandomStream("s", "x");
    for (let i = 0; i < 200; i++) {
      const u = b.next();
      const want = u < 0.7 ? b.lognormal(Math.log(3), 0.5) : 40;
      expect(sample(a, MIX)).toBe(want);
    }
  });

  it("is deterministic per stream and picks components by weight", () => {
    const draw = () => {
      const s = new RandomStream("7", "mix");
      return Array.from({ length: 20_000 }, () => sample(s, MIX));
    };
    const xs = draw();
    expect(draw()).toEqual(xs);
    const share = xs.filter((x) => x === 40).length / xs.length;
    // Binomial standard error sqrt(0.3 * 0.7 / 20000) = 0.0032; 4 of them.
    expect(Math.abs(share - 0.3)).toBeLessThan(4 * 0.0032);
  });

  it("has the mean and variance of the law of total variance, matched by sampling", () => {
    const m1 = 3 * Math.exp(0.125);
    const mean = 0.7 * m1 + 0.3 * 40;
    expect(distMean(MIX)).toBeCloseTo(mean, 12);
    const v1 = (Math.exp(0.25) - 1) * 9 * Math.exp(0.25);
    const variance = 0.7 * (v1 + (m1 - mean) ** 2) + 0.3 * (40 - mean) ** 2;
    expect(distVariance(MIX)).toBeCloseTo(variance, 10);
    const s = new RandomStream("1", "moments");
    const n = 100_000;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += sample(s, MIX);
    expect(Math.abs(sum / n - mean)).toBeLessThan(4 * Math.sqrt(variance / n));
  });

  it("E[1/X]: closed forms match sampling", () => {
    const specs: DistSpec[] = [
      { dist: "lognormal", median: 90, sigma: 0.3 },
      { dist: "gamma", shape: 5, scale: 20 },
      { dist: "uniform", min: 50, max: 150 },
      { dist: "fixed", value: 80 },
      MIX,
    ];
    for (const spec of specs) {
      const s = new RandomStream("3", spec.dist);
      let sum = 0;
      const n = 200_000;
      for (let i = 0; i < n; i++) sum += 1 / sample(s, spec);
      expect(sum / n / distMeanReciprocal(spec)).toBeCloseTo(1, 2);
    }
    expect(distMeanReciprocal({ dist: "gamma", shape: 1, scale: 1 })).toBeNaN();
  });
});
