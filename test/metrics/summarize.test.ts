import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { METRICS, metricRange } from "../../src/metrics/RunResult.js";
import { quantileSorted, summarize } from "../../src/metrics/summarize.js";

describe("summarize", () => {
  it("matches hand-computed statistics", () => {
    const s = summarize([4, 1, 3, 2, 5]);
    expect(s).toMatchObject({ n: 5, mean: 3, min: 1, max: 5, p50: 3 });
    expect(s.sd).toBeCloseTo(Math.sqrt(2.5), 12);
    // numpy.percentile([1,2,3,4,5], 95) = 4.8
    expect(s.p95).toBeCloseTo(4.8, 12);
    // t(0.975, 4) = 2.776445105
    const half = 2.776445105 * Math.sqrt(2.5 / 5);
    expect(s.ci95?.[0]).toBeCloseTo(3 - half, 8);
    expect(s.ci95?.[1]).toBeCloseTo(3 + half, 8);
  });

  it("omits the CI below two values", () => {
    expect(summarize([7]).ci95).toBeUndefined();
  });

  it("property: min <= p50 <= p95 <= max and the CI contains the mean", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 2, maxLength: 50 }),
        (xs) => {
          const s = summarize(xs);
          expect(s.min).toBeLessThanOrEqual(s.p50);
          expect(s.p50).toBeLessThanOrEqual(s.p95 + 1e-9);
          expect(s.p95).toBeLessThanOrEqual(s.max);
          expect(s.ci95?.[0]).toBeLessThanOrEqual(s.mean + 1e-9);
          expect(s.ci95?.[1]).toBeGreaterThanOrEqual(s.mean - 1e-9);
        },
      ),
    );
  });

  it("type-7 quantiles interpolate between order statistics", () => {
    expect(quantileSorted([10, 20], 0.25)).toBe(12.5);
    expect(quantileSorted([10], 0.95)).toBe(10);
  });
});

describe("summarize: the CI is clamped to the metric's range", () => {
  it("a count's CI never goes below 0 (retries 0 and 1 over two replicates)", () => {
    // The t interval is 0.5 +- 12.706 * 0.5 = [-5.853, 6.853].
    expect(summarize([0, 1]).ci95?.[0]).toBeCloseTo(-5.853, 3);
    const s = summarize([0, 1], metricRange("retries"));
    expect(s.ci95?.[0]).toBe(0);
    expect(s.ci95?.[1]).toBeCloseTo(6.853, 3);
  });

  it("a fraction's CI stays inside [0, 1]", () => {
    expect(summarize([0.9, 1], metricRange("accuracy")).ci95).toEqual([
      expect.closeTo(0.3147, 4),
      1,
    ]);
  });

  it("every metric has a range: fractions [0, 1], the others [0, Infinity)", () => {
    const fractions = METRICS.filter((m) => metricRange(m)[1] === 1);
    expect(fractions).toEqual(["accuracy", "decided", "decided_all", "idle_fraction"]);
    for (const m of METRICS) expect(metricRange(m)[0]).toBe(0);
  });

  it("property: for values inside the range, the CI lies inside it and holds the mean", () => {
    const metric = fc.constantFrom(...METRICS);
    fc.assert(
      fc.property(
        metric,
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 2, maxLength: 40 }),
        fc.double({ min: 1e-3, max: 1e6, noNaN: true }),
        (m, units, scale) => {
          const [lo, hi] = metricRange(m);
          // Counts and times spread over [0, scale]; fractions over [0, 1].
          const xs = units.map((u) => (hi === 1 ? u : u * scale));
          const s = summarize(xs, [lo, hi]);
          const [a, b] = s.ci95 ?? [Number.NaN, Number.NaN];
          expect(a).toBeGreaterThanOrEqual(lo);
          expect(b).toBeLessThanOrEqual(hi);
          expect(a).toBeLessThanOrEqual(s.mean + 1e-9 * Math.max(1, s.mean));
          expect(b).toBeGreaterThanOrEqual(s.mean - 1e-9 * Math.max(1, s.mean));
        },
      ),
      { numRuns: 500 },
    );
  });
});
