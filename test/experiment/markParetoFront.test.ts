import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { markParetoFront } from "../../src/experiment/markParetoFront.js";

const point = (accuracy: number, cost_usd: number, makespan_s: number) => ({
  accuracy,
  cost_usd,
  makespan_s,
  pareto: false,
});

describe("markParetoFront", () => {
  it("keeps a point that is only better in makespan, drops one worse in all three", () => {
    const pts = [point(0.9, 1, 100), point(0.9, 1, 50), point(0.8, 2, 10), point(0.7, 3, 200)];
    markParetoFront(pts);
    // (0.9, 1, 100) loses to (0.9, 1, 50) on makespan alone; (0.8, 2, 10) is the fastest.
    expect(pts.map((p) => p.pareto)).toEqual([false, true, true, false]);
  });

  it("equal points do not dominate each other", () => {
    const pts = [point(0.5, 1, 1), point(0.5, 1, 1)];
    markParetoFront(pts);
    expect(pts.map((p) => p.pareto)).toEqual([true, true]);
  });

  it("property: the front is non-empty and every point off it is dominated by one on it", () => {
    const triple = fc.tuple(
      fc.integer({ min: 0, max: 5 }),
      fc.integer({ min: 0, max: 5 }),
      fc.integer({ min: 0, max: 5 }),
    );
    fc.assert(
      fc.property(fc.array(triple, { minLength: 1, maxLength: 12 }), (raw) => {
        const pts = raw.map(([a, c, m]) => point(a, c, m));
        markParetoFront(pts);
        const front = pts.filter((p) => p.pareto);
        expect(front.length).toBeGreaterThan(0);
        const weakly = (o: (typeof pts)[number], p: (typeof pts)[number]) =>
          o.accuracy >= p.accuracy && o.cost_usd <= p.cost_usd && o.makespan_s <= p.makespan_s;
        for (const p of pts.filter((q) => !q.pareto))
          expect(front.some((o) => weakly(o, p) && o !== p)).toBe(true);
        // No front point is weakly beaten by a different-valued point.
        for (const p of front)
          for (const o of pts)
            if (weakly(o, p))
              expect([o.accuracy, o.cost_usd, o.makespan_s]).toEqual([
                p.accuracy,
                p.cost_usd,
                p.makespan_s,
              ]);
      }),
      { seed: 7, numRuns: 300 },
    );
  });
});
