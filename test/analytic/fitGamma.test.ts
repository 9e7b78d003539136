import { describe, expect, it } from "vitest";
import { fitGamma } from "../../src/analytic/fitGamma.js";
import { digamma, trigamma } from "../../src/analytic/special.js";
import { RandomStream } from "../../src/core/Rng.js";

describe("trigamma", () => {
  it("matches known values and the derivative of digamma", () => {
    expect(trigamma(1)).toBeCloseTo(Math.PI ** 2 / 6, 12);
    expect(trigamma(0.5)).toBeCloseTo(Math.PI ** 2 / 2, 12);
    for (const x of [0.05, 0.7, 3, 9.5, 12, 250]) {
      const h = 1e-5 * x;
      const numeric = (digamma(x + h) - digamma(x - h)) / (2 * h);
      expect(trigamma(x) / numeric).toBeCloseTo(1, 6);
    }
    expect(trigamma(0)).toBeNaN();
  });
});

describe("fitGamma", () => {
  it.each([
    [0.6, 10],
    [2.2, 2.5],
    [15, 0.3],
  ])("recovers shape %f and scale %f within 4 standard errors", (shape, scale) => {
    const s = new RandomStream("5", `gamma/${shape}`);
    const n = 5000;
    const xs = Array.from({ length: n }, () => s.gamma(shape, scale));
    const fit = fitGamma(xs);
    // Fisher information of the shape (scale profiled out): n (k psi'(k) - 1) / k.
    const seShape = Math.sqrt(shape / (n * (shape * trigamma(shape) - 1)));
    expect(Math.abs(fit.shape - shape)).toBeLessThan(4 * seShape);
    // The mean k theta is the sample mean, whose SE is sqrt(k) theta / sqrt(n).
    const seMean = (Math.sqrt(shape) * scale) / Math.sqrt(n);
    expect(Math.abs(fit.shape * fit.scale - shape * scale)).toBeLessThan(4 * seMean);
  });

  it("solves the likelihood equation ln k - psi(k) = ln mean - mean ln x", () => {
    const xs = [0.5, 1, 1.5, 4, 7, 2.2, 3.1];
    const fit = fitGamma(xs);
    const mean = xs.reduce((a, b) => a + b) / xs.length;
    const meanLog = xs.reduce((a, b) => a + Math.log(b), 0) / xs.length;
    expect(Math.log(fit.shape) - digamma(fit.shape)).toBeCloseTo(Math.log(mean) - meanLog, 12);
    expect(fit.shape * fit.scale).toBeCloseTo(mean, 12);
  });
});
