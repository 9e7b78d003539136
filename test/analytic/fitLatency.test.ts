import { describe, expect, it } from "vitest";
import { distCdf } from "../../src/analytic/distCdf.js";
import { distQuantile } from "../../src/analytic/distQuantile.js";
import { compareQuantiles, fitLatency } from "../../src/analytic/fitLatency.js";
import { aic, bic } from "../../src/analytic/informationCriteria.js";
import type { DistSpec } from "../../src/core/Distribution.js";
import { RandomStream } from "../../src/core/Rng.js";

describe("fitLatency", () => {
  it("chooses the lognormal for lognormal data and reports every candidate", () => {
    const s = new RandomStream("8", "ln");
    const xs = Array.from({ length: 3000 }, () => s.lognormal(Math.log(4), 0.6));
    const r = fitLatency(xs);
    expect(r.candidates.map((c) => c.name)).toEqual(["lognormal", "gamma", "lognormal-mixture"]);
    expect(r.chosen.name).toBe("lognormal");
    for (const c of r.candidates) {
      expect(c.aic).toBeCloseTo(aic(c.logLik, c.params), 9);
      expect(c.bic).toBeCloseTo(bic(c.logLik, c.params, xs.length), 9);
    }
    expect(r.chosen.ks).toBeLessThan(1.95 / Math.sqrt(xs.length));
  });

  it("chooses the gamma for gamma data", () => {
    const s = new RandomStream("8", "gamma");
    const xs = Array.from({ length: 3000 }, () => s.gamma(3, 2));
    expect(fitLatency(xs).chosen.name).toBe("gamma");
  });

  it("chooses the mixture for bimodal data, with a small KS distance", () => {
    const s = new RandomStream("8", "two");
    const xs = Array.from({ length: 3000 }, () =>
      s.next() < 0.8 ? s.lognormal(Math.log(2), 0.5) : s.lognormal(Math.log(30), 0.3),
    );
    const r = fitLatency(xs);
    expect(r.chosen.name).toBe("lognormal-mixture");
    expect(r.chosen.ks).toBeLessThan(0.03);
    const lognormal = r.candidates.find((c) => c.name === "lognormal");
    expect(lognormal?.ks).toBeGreaterThan(0.05);
  });

  it("leaves out the mixture below 10 samples", () => {
    expect(fitLatency([1, 2, 3, 4, 5]).candidates.map((c) => c.name)).toEqual([
      "lognormal",
      "gamma",
    ]);
  });

  it("compares data and fitted quantiles", () => {
    const spec: DistSpec = { dist: "lognormal", median: 2, sigma: 1 };
    const [q] = compareQuantiles([1, 2, 3, 4, 5], spec, [0.5]);
    expect(q).toEqual({ p: 0.5, data: 3, fitted: expect.closeTo(2, 9) });
  });
});

describe("distQuantile and distCdf", () => {
  it("invert each other, mixtures included", () => {
    const specs: DistSpec[] = [
      { dist: "lognormal", median: 3, sigma: 0.8 },
      { dist: "gamma", shape: 0.7, scale: 5 },
      {
        dist: "mixture",
        components: [
          { weight: 0.6, dist: "lognormal", median: 2, sigma: 0.5 },
          { weight: 0.4, dist: "gamma", shape: 4, scale: 8 },
        ],
      },
    ];
    for (const spec of specs) {
      for (const p of [0.01, 0.1, 0.5, 0.9, 0.999]) {
        expect(distCdf(spec, distQuantile(spec, p))).toBeCloseTo(p, 9);
      }
    }
    const ln: DistSpec = { dist: "lognormal", median: 3, sigma: 0.8 };
    expect(distQuantile(ln, 0.5)).toBeCloseTo(3, 9);
  });
});
