import { z } from "zod";
import type { Law } from "./Law.js";
import { majorityTail } from "./special.js";

const prob = z.number().min(0).max(1);
const params = z.strictObject({
  /** Fraction alpha of easy items. */
  easy_fraction: prob,
  /** One agent's accuracy on an easy item (p1). */
  p_easy: prob,
  /** One agent's accuracy on a hard item (p2). */
  p_hard: prob,
});

/** The parameters of vote-mixture. */
export type MixtureParams = z.output<typeof params>;

/** F(n) of the two-level mixture (ties lose). */
export function mixtureAccuracy(n: number, m: MixtureParams): number {
  return (
    m.easy_fraction * majorityTail(n, m.p_easy) + (1 - m.easy_fraction) * majorityTail(n, m.p_hard)
  );
}

/**
 * Chen et al.'s two-level difficulty model: a fraction alpha of items is easy
 * (accuracy p1), the rest hard (p2). Majority vote: F(n) = alpha I_{p1}(k, n-k+1)
 * + (1 - alpha) I_{p2}(k, n-k+1), k = floor(n/2) + 1; for odd n this is their
 * I_p((n+1)/2, (n+1)/2). Even n: a tie loses, so F(2m) <= F(2m - 1) always
 * (F(2m) = F(2m-1) - P(exactly m of 2m-1 right) (1 - p) for each level).
 */
export const voteMixture: Law<typeof params> = {
  name: "vote-mixture",
  family: "voting",
  summary: "majority-vote accuracy over a mix of easy and hard items; can rise then fall",
  formula:
    "F(n) = alpha I_{p1}(k, n-k+1) + (1-alpha) I_{p2}(k, n-k+1), k = floor(n/2) + 1, alpha = easy_fraction",
  source:
    "L. Chen, J. Q. Davis, B. Hanin, P. Bailis, I. Stoica, M. Zaharia, J. Zou, 'Are More LLM Calls All You Need? Towards Scaling Laws of Compound Inference Systems', arXiv:2403.02419, 2024",
  params,
  value: (n, m) => mixtureAccuracy(n, m),
  exactness: "closed form",
};

/** The shape of F over odd n (see mixtureShape). */
export type MixtureShape = "monotone up" | "monotone down" | "inverse-U" | "U" | "flat";

const EPS = 1e-15;
// Steps of F smaller than this are rounding noise of I_p (F is a sum of terms <= 1).
const STEP_EPS = 1e-13;

// Sign of the first step: F(3) - F(1) = sum_i w_i p_i (1 - p_i) (2 p_i - 1) exactly
// (I_p(2,2) - p = p(1-p)(2p-1)).
function firstStep(m: MixtureParams): number {
  const term = (p: number) => p * (1 - p) * (2 * p - 1);
  const d = m.easy_fraction * term(m.p_easy) + (1 - m.easy_fraction) * term(m.p_hard);
  return Math.abs(d) < EPS ? 0 : Math.sign(d);
}

// Direction in which F(n) approaches its limit over odd n. A level with p != 1/2
// moves monotonically toward [p > 1/2] with a gap that decays like
// (4 p (1 - p))^{n/2}; the level whose p is nearest 1/2 (largest p(1-p), weight > 0)
// decays slowest and sets the final direction: up if its p > 1/2, down if
// p < 1/2. Levels at 0, 1/2 or 1 are constant in n (odd n). Equal p(1-p) on both
// sides of 1/2 (p1 + p2 = 1): both gaps share the rate; their weighted leading
// terms are compared via the first step, which has the same sign.
function finalStep(m: MixtureParams): number {
  const levels = [
    { w: m.easy_fraction, p: m.p_easy },
    { w: 1 - m.easy_fraction, p: m.p_hard },
  ].filter((l) => l.w > 0 && l.p > 0 && l.p < 1 && l.p !== 0.5);
  if (levels.length === 0) return 0;
  // Distance from 1/2 decides (p(1-p) = 1/4 - (p - 1/2)^2); equal within rounding is a tie.
  const dist = (p: number) => Math.abs(p - 0.5);
  let best = levels[0];
  for (const l of levels) if (dist(l.p) < dist(best.p)) best = l;
  const tie = levels.filter((l) => Math.abs(dist(l.p) - dist(best.p)) <= 1e-12);
  if (tie.length > 1 && tie.some((l) => l.p > 0.5) && tie.some((l) => l.p < 0.5)) {
    // p1 + p2 = 1: F(n) - lim = (w1 - w2) * (the same decaying tail), one sign throughout.
    return firstStep(m);
  }
  return Math.sign(best.p - 0.5);
}

/**
 * Shape of F(n) over odd n (Chen et al. 2024, Theorem 1). We classify from two
 * signs: the first step s0 = sign(F(3) - F(1)) and the final direction s_inf
 * (the level with p nearest 1/2 dominates the tail; see finalStep):
 * up/up -> "monotone up", down/down -> "monotone down", up/down -> "inverse-U",
 * down/up -> "U", both 0 -> "flat". Mapping to the theorem (p2 < 1/2 < p1,
 * t = p2(1-p2)(1/2-p2) / (p1(1-p1)(p1-1/2)) + 1): s0 > 0 exactly when
 * alpha > 1 - 1/t, and s_inf < 0 exactly when p1 + p2 > 1 (the hard level is
 * then nearer 1/2). So: alpha > 1 - 1/t with p1 + p2 > 1 is inverse-U; alpha < 1 - 1/t
 * with p1 + p2 < 1 is U; alpha > 1 - 1/t with p1 + p2 < 1 is monotone up;
 * alpha < 1 - 1/t with p1 + p2 > 1 is monotone down. (A third-party summary of
 * the theorem we consulted pairs the conditions differently, calling alpha >=
 * 1 - 1/t with p1 + p2 > 1 monotone up; numerically that case, e.g. alpha 0.9,
 * p1 0.85, p2 0.3, peaks at n = 11, so we follow the derivation above.) Two
 * levels on the same side of 1/2 are monotone; p1 + p2 = 1 is monotone (F =
 * w2 + (w1 - w2) I_p). The classification is the asymptotic one, whatever maxN
 * (accepted for the callers' symmetry with optimalN): a turn may lie beyond it.
 * That the curve turns at most once is checked numerically by `mixtureTurns`.
 */
export function mixtureShape(m: MixtureParams, _maxN = 201): MixtureShape {
  const s0 = firstStep(m);
  const sInf = finalStep(m);
  const first = s0 !== 0 ? s0 : sInf;
  const last = sInf !== 0 ? sInf : s0;
  if (first === 0 && last === 0) return "flat";
  if (first > 0 && last > 0) return "monotone up";
  if (first < 0 && last < 0) return "monotone down";
  return first > 0 ? "inverse-U" : "U";
}

/** Number of times F changes direction over odd n = 1, 3, ..., maxN (steps below 1e-13 ignored). */
export function mixtureTurns(m: MixtureParams, maxN = 201): number {
  let turns = 0;
  let prevSign = 0;
  let prev = mixtureAccuracy(1, m);
  for (let n = 3; n <= maxN; n += 2) {
    const f = mixtureAccuracy(n, m);
    const d = f - prev;
    prev = f;
    if (Math.abs(d) < STEP_EPS) continue;
    const s = Math.sign(d);
    if (prevSign !== 0 && s !== prevSign) turns++;
    prevSign = s;
  }
  return turns;
}

/**
 * The team size of highest accuracy over 1..maxN. Only odd n are candidates:
 * with ties losing, F(2m) <= F(2m - 1), so an even team never beats the odd
 * team one smaller. Ties (within 1e-13) go to the smallest n: the cheapest team.
 */
export function optimalN(m: MixtureParams, maxN = 201): number {
  let best = 1;
  let bestF = mixtureAccuracy(1, m);
  for (let n = 3; n <= maxN; n += 2) {
    const f = mixtureAccuracy(n, m);
    if (f > bestF + STEP_EPS) {
      best = n;
      bestF = f;
    }
  }
  return best;
}
