import { describe, expect, it } from "vitest";
import { fitLognormal } from "../../src/analytic/fitLognormal.js";
import { RandomStream } from "../../src/core/Rng.js";

describe("fitLognormal", () => {
  it("recovers median and sigma within 4 standard errors", () => {
    const s = new RandomStream("11", "lognormal");
    const n = 5000;
    const xs = Array.from({ length: n }, () => s.lognormal(Math.log(3.5), 1.2));
    const fit = fitLognormal(xs);
    // SE(mu) = sigma / sqrt(n); SE(sigma) = sigma / sqrt(2n).
    expect(Math.abs(Math.log(fit.median / 3.5))).toBeLessThan(4 * (1.2 / Math.sqrt(n)));
    expect(Math.abs(fit.sigma - 1.2)).toBeLessThan(4 * (1.2 / Math.sqrt(2 * n)));
  });

  it("is the closed form on a tiny sample", () => {
    const fit = fitLognormal([1, Math.E ** 2]);
    expect(fit.median).toBeCloseTo(Math.E, 12);
    expect(fit.sigma).toBeCloseTo(1, 12);
  });

  it.each([[[1, -1]], [[2, 2, 2]], [[1]], [[1, Number.NaN]]])("rejects %j", (xs) => {
    expect(() => fitLognormal(xs)).toThrow(RangeError);
  });
});
