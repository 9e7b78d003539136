import fc from "fast-check";
import { describe, expect, it } from "vitest";
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
