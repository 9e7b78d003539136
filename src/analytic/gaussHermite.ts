// Gauss-Hermite quadrature for expectations over a standard normal. Pure numerics.

/** Nodes and weights of an n-point rule for E[f(X)], X ~ N(0, 1): sum_i w_i f(x_i). */
export interface NormalRule {
  x: Float64Array;
  w: Float64Array;
}

const cache = new Map<number, NormalRule>();

/** Largest rule offered: beyond it the unscaled Hermite recurrence overflows. */
export const MAX_NODES = 180;

/**
 * The n-point Gauss-Hermite rule (Abramowitz & Stegun 25.4.46: the integral of
 * e^{-t^2} f(t) is sum_i w_i f(t_i), exact for polynomials of degree < 2n),
 * rescaled to the standard normal (x = sqrt(2) t, weight w / sqrt(pi)). Nodes by
 * Newton's method on the orthonormal Hermite recurrence, with the starting
 * guesses of Numerical Recipes (Press et al., 3rd ed., section 4.6, gauher);
 * n <= MAX_NODES.
 */
export function normalQuadrature(n: number): NormalRule {
  if (!Number.isInteger(n) || n < 1 || n > MAX_NODES)
    throw new RangeError(`normalQuadrature: n = ${n} (1..${MAX_NODES})`);
  const hit = cache.get(n);
  if (hit !== undefined) return hit;
  const t = new Float64Array(n);
  const wt = new Float64Array(n);
  const PIM4 = Math.PI ** -0.25;
  let z = 0;
  for (let i = 0; i < (n + 1) >> 1; i++) {
    if (i === 0) z = Math.sqrt(2 * n + 1) - 1.85575 * (2 * n + 1) ** -0.16667;
    else if (i === 1) z -= (1.14 * n ** 0.426) / z;
    else if (i === 2) z = 1.86 * z - 0.86 * t[0];
    else if (i === 3) z = 1.91 * z - 0.91 * t[1];
    else z = 2 * z - t[i - 2];
    let pp = 0;
    for (let it = 0; it < 100; it++) {
      let p1 = PIM4;
      let p2 = 0;
      for (let j = 0; j < n; j++) {
        const p3 = p2;
        p2 = p1;
        p1 = z * Math.sqrt(2 / (j + 1)) * p2 - Math.sqrt(j / (j + 1)) * p3;
      }
      pp = Math.sqrt(2 * n) * p2;
      const dz = p1 / pp;
      z -= dz;
      if (Math.abs(dz) <= 1e-15 * Math.max(1, Math.abs(z))) break;
    }
    t[i] = z;
    t[n - 1 - i] = -z;
    wt[i] = 2 / (pp * pp);
    wt[n - 1 - i] = wt[i];
  }
  const x = new Float64Array(n);
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = Math.SQRT2 * t[i];
    w[i] = wt[i] / Math.sqrt(Math.PI);
  }
  const rule = { x, w };
  cache.set(n, rule);
  return rule;
}
