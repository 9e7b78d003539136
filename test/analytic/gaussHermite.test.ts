import { describe, expect, it } from "vitest";
import { MAX_NODES, normalQuadrature } from "../../src/analytic/gaussHermite.js";

describe("normalQuadrature (Gauss-Hermite for N(0, 1))", () => {
  it("integrates the normal moments E[X^2j] = (2j-1)!! exactly up to degree 2n - 1", () => {
    for (const n of [1, 2, 3, 5, 10, 40, 100, MAX_NODES]) {
      const { x, w } = normalQuadrature(n);
      let doubleFactorial = 1;
      for (let j = 0; 2 * j <= Math.min(2 * n - 1, 12); j++) {
        if (j > 0) doubleFactorial *= 2 * j - 1;
        let even = 0;
        let odd = 0;
        for (let i = 0; i < n; i++) {
          even += w[i] * x[i] ** (2 * j);
          odd += w[i] * x[i] ** (2 * j + 1);
        }
        expect(Math.abs(even - doubleFactorial), `n=${n} E[X^${2 * j}]`).toBeLessThan(
          1e-12 * doubleFactorial,
        );
        expect(Math.abs(odd)).toBeLessThan(1e-11 * doubleFactorial);
      }
      for (let i = 1; i < n; i++) expect(x[i]).toBeLessThan(x[i - 1]);
    }
  });

  it("E[cos X] = exp(-1/2) with 20 nodes; bad n rejected", () => {
    const { x, w } = normalQuadrature(20);
    let s = 0;
    for (let i = 0; i < 20; i++) s += w[i] * Math.cos(x[i]);
    expect(Math.abs(s - Math.exp(-0.5))).toBeLessThan(1e-15);
    expect(() => normalQuadrature(0)).toThrow();
    expect(() => normalQuadrature(MAX_NODES + 1)).toThrow();
    expect(() => normalQuadrature(2.5)).toThrow();
  });
});
