import { describe, expect, it } from "vitest";
import { fitUsl, uslCapacity, uslPeak, uslRetrograde } from "../../src/analytic/usl.js";
import { Rng } from "../../src/core/Rng.js";

const NS = [1, 2, 4, 8, 16, 32, 64];

describe("fitUsl", () => {
  it("recovers alpha and beta from exact speedups to 1e-9", () => {
    for (const [alpha, beta] of [
      [0.05, 0.001],
      [0.2, 0],
      [0, 0.0005],
      [0.01, 0.02],
    ]) {
      const fit = fitUsl(NS.map((n) => ({ n, y: uslCapacity(n, alpha, beta) })));
      expect(Math.abs(fit.alpha - alpha)).toBeLessThan(1e-9);
      expect(Math.abs(fit.beta - beta)).toBeLessThan(1e-9);
      expect(fit.r2).toBeGreaterThan(1 - 1e-12);
      expect(fit.n_star).toBe(uslPeak(fit.alpha, fit.beta));
      expect(fit.gamma).toBeUndefined();
    }
  });

  it("fits throughputs by normalizing by y(1) (gamma)", () => {
    const fit = fitUsl(
      NS.map((n) => ({ n, y: 12.5 * uslCapacity(n, 0.03, 0.002) })),
      { throughput: true },
    );
    expect(fit.gamma).toBeCloseTo(12.5, 12);
    expect(Math.abs(fit.alpha - 0.03)).toBeLessThan(1e-9);
    expect(Math.abs(fit.beta - 0.002)).toBeLessThan(1e-9);
    expect(Math.abs(fit.n_star - Math.sqrt(0.97 / 0.002))).toBeLessThan(1e-6);
    expect(() => fitUsl([{ n: 2, y: 1 }], { throughput: true })).toThrow();
  });

  it("on noisy data (5% multiplicative noise, 5 repeats per n) stays near the truth with r2 > 0.9", () => {
    const rng = new Rng(7).stream("test/usl-noise");
    const alpha = 0.05;
    const beta = 0.002;
    const points = NS.flatMap((n) =>
      Array.from({ length: 5 }, () => ({
        n,
        y: uslCapacity(n, alpha, beta) * (1 + rng.normal(0, 0.05)),
      })),
    );
    const fit = fitUsl(points);
    // With 5% noise the linearized fit puts alpha within about +-0.03 and beta
    // within about 25%; the peak (sqrt(0.95/0.002) = 21.8) within a few team sizes.
    expect(Math.abs(fit.alpha - alpha)).toBeLessThan(0.03);
    expect(Math.abs(fit.beta - beta) / beta).toBeLessThan(0.25);
    expect(Math.abs(fit.n_star - uslPeak(alpha, beta))).toBeLessThan(5);
    expect(fit.r2).toBeGreaterThan(0.9);
  });

  it("clamps a negative coefficient to 0 (superlinear data)", () => {
    // Speedup above n at small n would need alpha < 0; the fit keeps alpha, beta >= 0.
    const fit = fitUsl([
      { n: 1, y: 1 },
      { n: 2, y: 2.1 },
      { n: 4, y: 4.1 },
      { n: 8, y: 7 },
    ]);
    expect(fit.alpha).toBeGreaterThanOrEqual(0);
    expect(fit.beta).toBeGreaterThanOrEqual(0);
    expect(fit.alpha + fit.beta).toBeGreaterThan(0);
  });
});

describe("uslPeak and uslRetrograde: the best team size n >= 1", () => {
  it.each([
    // alpha, beta, retrograde, peak
    [0.05, 0.001, false, Math.sqrt(950)],
    [0.1, 0, false, Number.POSITIVE_INFINITY],
    [1, 0, false, Number.POSITIVE_INFINITY], // flat: C(n) = 1
    [1.07, 0.2, true, 1], // alpha > 1: sqrt((1 - alpha) / beta) would be 0
    [0.84, 0.54, true, 1], // alpha + beta > 1: sqrt would be 0.54, below any team
    [0.5, 0.5, true, 1], // alpha + beta = 1: C'(1) = 0, then falls
    [1.5, 0, true, 1],
  ])("alpha %f, beta %f: retrograde %s, peak %f", (alpha, beta, retrograde, peak) => {
    expect(uslRetrograde(alpha, beta)).toBe(retrograde);
    expect(uslPeak(alpha, beta)).toBeCloseTo(peak, 12);
    // Where it falls from n = 1, no team size beats one agent.
    if (retrograde)
      for (const n of [1.5, 2, 3, 8]) expect(uslCapacity(n, alpha, beta)).toBeLessThan(1);
  });

  it("a fit of throughput falling from n = 1 puts the peak at n = 1, never below", () => {
    const fit = fitUsl([
      { n: 1, y: 1 },
      { n: 2, y: 0.8 },
      { n: 4, y: 0.6 },
      { n: 8, y: 0.4 },
    ]);
    expect(uslRetrograde(fit.alpha, fit.beta)).toBe(true);
    expect(fit.n_star).toBe(1);
  });
});
