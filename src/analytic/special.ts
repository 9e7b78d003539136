import {
  betainc,
  gammainc,
  gammaln,
  digamma as stdlibDigamma,
  erfc as stdlibErfc,
} from "./stdlib.js";

// Special functions and quadrature shared by the laws. Pure numerics, no simulator.

/** P(Bin(n, p) >= k) = I_p(k, n - k + 1) (1 for k <= 0, 0 for k > n). */
export function binomialTailAtLeast(n: number, p: number, k: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  return betainc(p, k, n - k + 1);
}

/** P(Bin(n, p) > n/2): more than half of n independent votes (ties lose). */
export function majorityTail(n: number, p: number): number {
  return binomialTailAtLeast(n, p, Math.floor(n / 2) + 1);
}

/** The n-th harmonic number H_n = 1 + 1/2 + ... + 1/n. */
export function harmonic(n: number): number {
  let h = 0;
  // Smallest terms first: the sum is then correctly rounded to within a few ulps.
  for (let i = n; i >= 1; i--) h += 1 / i;
  return h;
}

/**
 * Regularized lower and upper incomplete gamma P(a, x), Q(a, x) (stdlib's
 * gammainc, after Boost; each computed directly so neither tail cancels).
 */
export function gammaPQ(a: number, x: number): { p: number; q: number } {
  if (x <= 0) return { p: 0, q: 1 };
  if (!Number.isFinite(x)) return { p: 1, q: 0 };
  return { p: gammainc(x, a, true, false), q: gammainc(x, a, true, true) };
}

/** ln Γ(x) (stdlib). */
export function lnGamma(x: number): number {
  return gammaln(x);
}

/** The digamma function ψ(x) = d/dx ln Γ(x) (stdlib). */
export function digamma(x: number): number {
  return stdlibDigamma(x);
}

/**
 * The trigamma function ψ'(x) for x > 0: the recurrence ψ'(x) = ψ'(x + 1) + 1/x²
 * up to x >= 10, then the asymptotic series 1/x + 1/(2x²) + Σ B_2k / x^(2k+1)
 * (relative error below 1e-13 there).
 */
export function trigamma(x: number): number {
  if (!(x > 0)) return Number.NaN;
  let acc = 0;
  while (x < 10) {
    acc += 1 / (x * x);
    x += 1;
  }
  const r = 1 / x;
  const r2 = r * r;
  // Bernoulli numbers B2..B10: 1/6, -1/30, 1/42, -1/30, 5/66.
  const series = r2 * (1 / 6 + r2 * (-1 / 30 + r2 * (1 / 42 + r2 * (-1 / 30 + r2 * (5 / 66)))));
  return acc + r + r2 / 2 + r * series;
}

/** erfc(x), accurate in both tails (stdlib). */
export function erfc(x: number): number {
  return stdlibErfc(x);
}

/** Standard normal lower tail Phi(u) and upper tail 1 - Phi(u), both without cancellation. */
export function normalTails(u: number): { lower: number; upper: number } {
  return { lower: 0.5 * erfc(-u / Math.SQRT2), upper: 0.5 * erfc(u / Math.SQRT2) };
}

/** Gauss-Legendre nodes and weights on [-1, 1] (Newton's method on P_m; Abramowitz & Stegun 25.4.29). */
export function gaussLegendre(m: number): { x: number[]; w: number[] } {
  const x: number[] = [];
  const w: number[] = [];
  for (let i = 1; i <= m; i++) {
    let z = Math.cos((Math.PI * (i - 0.25)) / (m + 0.5));
    let dp = 0;
    for (let it = 0; it < 100; it++) {
      let p0 = 1;
      let p1 = 0;
      for (let j = 1; j <= m; j++) {
        const p2 = p1;
        p1 = p0;
        p0 = ((2 * j - 1) * z * p1 - (j - 1) * p2) / j;
      }
      dp = (m * (z * p0 - p1)) / (z * z - 1);
      const dz = p0 / dp;
      z -= dz;
      if (Math.abs(dz) < 1e-16) break;
    }
    x.push(z);
    w.push(2 / ((1 - z * z) * dp * dp));
  }
  return { x, w };
}

const GL = gaussLegendre(10);

function glPanel(f: (x: number) => number, a: number, b: number): number {
  const mid = (a + b) / 2;
  const half = (b - a) / 2;
  let s = 0;
  for (let i = 0; i < GL.x.length; i++) s += GL.w[i] * f(mid + half * GL.x[i]);
  return s * half;
}

/**
 * ∫_a^b f by adaptive 10-point Gauss-Legendre: a panel is split in two until the
 * halves agree with the whole to `tol` (absolute), from `panels` equal panels.
 */
export function integrate(
  f: (x: number) => number,
  a: number,
  b: number,
  tol = 1e-12,
  panels = 16,
): number {
  const h = (b - a) / panels;
  let total = 0;
  for (let i = 0; i < panels; i++) {
    const lo = a + i * h;
    const hi = i === panels - 1 ? b : lo + h;
    total += adapt(f, lo, hi, glPanel(f, lo, hi), tol / panels, 0);
  }
  return total;
}

function adapt(
  f: (x: number) => number,
  a: number,
  b: number,
  whole: number,
  tol: number,
  depth: number,
): number {
  const mid = (a + b) / 2;
  const left = glPanel(f, a, mid);
  const right = glPanel(f, mid, b);
  if (depth >= 40 || Math.abs(left + right - whole) <= tol) return left + right;
  return adapt(f, a, mid, left, tol / 2, depth + 1) + adapt(f, mid, b, right, tol / 2, depth + 1);
}
