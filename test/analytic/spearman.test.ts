import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ranks, spearman } from "../../src/analytic/spearman.js";

describe("spearman", () => {
  it("gives mean ranks to ties", () => {
    expect(ranks([10, 20, 20, 5])).toEqual([2, 3.5, 3.5, 1]);
  });

  it("is 1 for a monotone relation, -1 for a reversed one, and matches a hand computation", () => {
    expect(spearman([1, 2, 3, 4], [1, 4, 9, 16])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    // d = rank differences (0, -2, 1, 1): 1 - 6 * 6 / (4 * 15) = 0.4 (no ties).
    expect(spearman([1, 2, 3, 4], [1, 4, 2, 3])).toBeCloseTo(0.4, 12);
  });

  it("is NaN without variation or with fewer than two pairs", () => {
    expect(spearman([1], [2])).toBeNaN();
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNaN();
  });

  it("is unchanged by a strictly increasing transform of either side", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: -50, max: 50 })), {
          minLength: 3,
          maxLength: 30,
        }),
        (pairs) => {
          const x = pairs.map((p) => p[0]);
          const y = pairs.map((p) => p[1]);
          const r = spearman(x, y);
          const r2 = spearman(
            x.map(Math.log),
            y.map((v) => v * 3 + 1),
          );
          if (Number.isNaN(r)) return Number.isNaN(r2);
          return Math.abs(r - r2) < 1e-9 && r >= -1 - 1e-12 && r <= 1 + 1e-12;
        },
      ),
    );
  });
});
