import { describe, expect, it } from "vitest";
import {
  type MixtureParams,
  mixtureAccuracy,
  mixtureShape,
  mixtureTurns,
  optimalN,
} from "../../src/analytic/voteMixture.js";

function mix(easy_fraction: number, p_easy: number, p_hard: number): MixtureParams {
  return { easy_fraction, p_easy, p_hard };
}

// Brute force over odd n: the index of the largest F (smallest n on ties; gains
// below 1e-13, rounding noise once F has saturated, do not count).
function argmaxOdd(m: MixtureParams, maxN: number): number {
  let best = 1;
  for (let n = 3; n <= maxN; n += 2)
    if (mixtureAccuracy(n, m) > mixtureAccuracy(best, m) + 1e-13) best = n;
  return best;
}

describe("vote-mixture shapes (Chen et al. 2024, Theorem 1)", () => {
  const cases: [string, MixtureParams, string, number][] = [
    // label, params, shape, turns over odd n <= 201
    ["a single level above 1/2", mix(0.5, 0.8, 0.8), "monotone up", 0],
    ["both levels below 1/2", mix(0.5, 0.4, 0.3), "monotone down", 0],
    ["easy dominates, p1 + p2 < 1 (easy nearer 1/2)", mix(0.7, 0.6, 0.2), "monotone up", 0],
    ["hard dominates, p1 + p2 > 1 (hard nearer 1/2)", mix(0.2, 0.9, 0.4), "monotone down", 0],
    ["the inverse-U example", mix(0.6, 0.85, 0.3), "inverse-U", 1],
    ["alpha 0.9, p1 + p2 > 1: rises to n = 11 then falls", mix(0.9, 0.85, 0.3), "inverse-U", 1],
    ["U: falls to n = 13 then rises", mix(0.2, 0.7, 0.2), "U", 1],
    ["U: falls to n = 5 then rises", mix(0.5, 0.6, 0.2), "U", 1],
    ["p1 + p2 = 1 is monotone", mix(0.7, 0.8, 0.2), "monotone up", 0],
    ["all at 1/2", mix(0.5, 0.5, 0.5), "flat", 0],
  ];
  for (const [label, m, shape, turns] of cases) {
    it(`${label}: ${shape}`, () => {
      expect(mixtureShape(m)).toBe(shape);
      expect(mixtureTurns(m, 201)).toBe(turns);
    });
  }

  it("the classification agrees with the numbers on a grid (at most one turn)", () => {
    let checked = 0;
    for (const a of [0.1, 0.3, 0.5, 0.7, 0.9])
      for (const p1 of [0.55, 0.7, 0.85, 0.95])
        for (const p2 of [0.05, 0.2, 0.35, 0.45]) {
          const m = mix(a, p1, p2);
          const shape = mixtureShape(m);
          const turns = mixtureTurns(m, 401);
          expect(turns).toBeLessThanOrEqual(1);
          expect(turns === 1).toBe(shape === "inverse-U" || shape === "U");
          if (turns === 0) {
            const change = mixtureAccuracy(401, m) - mixtureAccuracy(1, m);
            const expected =
              Math.abs(change) < 1e-12 ? "flat" : change > 0 ? "monotone up" : "monotone down";
            expect(shape).toBe(expected);
          } else {
            // One turn: a peak above both ends means inverse-U, a trough below both U.
            const ends = [mixtureAccuracy(1, m), mixtureAccuracy(401, m)];
            const values = Array.from({ length: 201 }, (_, i) => mixtureAccuracy(2 * i + 1, m));
            const peak = Math.max(...values) > Math.max(...ends) + 1e-12;
            const trough = Math.min(...values) < Math.min(...ends) - 1e-12;
            expect(peak !== trough).toBe(true);
            expect(shape).toBe(peak ? "inverse-U" : "U");
          }
          checked++;
        }
    expect(checked).toBe(80);
  });

  it("optimalN is the arg-max over odd n: 3 for the inverse-U example (F(3) = 0.64995 > F(5))", () => {
    const m = mix(0.6, 0.85, 0.3);
    expect(optimalN(m, 201)).toBe(3);
    expect(mixtureAccuracy(3, m)).toBeGreaterThan(mixtureAccuracy(5, m));
    expect(optimalN(mix(0.9, 0.85, 0.3), 201)).toBe(11);
    expect(optimalN(mix(0.7, 0.85, 0.3), 201)).toBe(5);
    // Monotone down: one agent; monotone up: the largest team allowed.
    expect(optimalN(mix(0.5, 0.4, 0.3), 51)).toBe(1);
    expect(optimalN(mix(0.5, 0.8, 0.8), 51)).toBe(51);
    // Even teams never win (ties lose): maxN even still returns an odd n.
    expect(optimalN(mix(0.5, 0.8, 0.8), 50)).toBe(49);
    for (const a of [0.3, 0.6, 0.8]) {
      const g = mix(a, 0.85, 0.3);
      expect(optimalN(g, 99)).toBe(argmaxOdd(g, 99));
      for (let n = 2; n <= 40; n += 2)
        expect(mixtureAccuracy(n, g)).toBeLessThanOrEqual(mixtureAccuracy(n - 1, g));
    }
  });
});
