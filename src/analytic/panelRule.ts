import { binomialPmf } from "./poissonBinomial.js";
import { lnGamma } from "./special.js";

/**
 * How a panel's answers become the team's: majority (right iff more than half
 * of the n answers are right; a tie loses) or plurality (the most common answer
 * wins; a tie among the leading answers is broken uniformly at random), as the
 * simulator's `majority` and `best` (src/runtime/aggregate.ts) decide them.
 */
export type PanelRule = "majority" | "plurality";

/**
 * P(a wrong answer is the item's distractor, answer 1) when a wrong answer is
 * the distractor with probability c and otherwise uniform over the k - 1 wrong
 * answers 1..k-1: c + (1 - c) / (k - 1). Each other wrong answer j >= 2 gets
 * (1 - c) / (k - 1). With k = 2 the only wrong answer is the distractor.
 */
export function distractorProbability(choices: number, concentration: number): number {
  checkChoices(choices, concentration);
  return concentration + (1 - concentration) / (choices - 1);
}

function checkChoices(choices: number, concentration: number): void {
  if (!Number.isInteger(choices) || choices < 2) throw new RangeError(`choices = ${choices}`);
  if (!(concentration >= 0 && concentration <= 1))
    throw new RangeError(`concentration = ${concentration}`);
}

/**
 * G[r] = P(the team answers right | exactly r of its n members answered right),
 * r = 0..n. Majority: [2r > n]. Plurality: every wrong answer, whoever gave it,
 * is independently the distractor with probability pi1 = distractorProbability
 * and otherwise uniform over the k - 2 other wrong answers, so given r the
 * distractor's count d ~ Bin(n - r, pi1) and the remaining w = n - r - d wrong
 * answers fall uniformly into k - 2 boxes. Then
 *   G[r] = sum_d Bin(d; n-r, pi1) [d <= r] E[ [every box <= r] / (1 + [d = r] + #{boxes = r}) ]
 * (r > 0; the right answer needs a vote to be chosen at all). The box expectation
 * is counted exactly with exponential generating functions: the number of ways
 * to put w balls in m boxes, e of them holding exactly r and the rest fewer, is
 * w! C(m, e) / r!^e [x^(w - e r)] E_r(x)^(m - e), E_r(x) = sum_{c<r} x^c / c!
 * (e.g. Flajolet & Sedgewick, Analytic Combinatorics, 2009, ch. II), divided by
 * m^w. Depends only on n, the rule, k and c: the members' accuracies enter the
 * team's accuracy only through the distribution of r.
 */
export function panelRuleWeights(
  n: number,
  rule: PanelRule,
  choices = 4,
  concentration = 0,
): Float64Array {
  checkChoices(choices, concentration);
  const g = new Float64Array(n + 1);
  if (rule === "majority") {
    for (let r = 0; r <= n; r++) g[r] = 2 * r > n ? 1 : 0;
    return g;
  }
  const pi1 = distractorProbability(choices, concentration);
  const m = choices - 2;
  const binom = pascal(n);
  for (let r = 1; r <= n; r++) {
    const wrongs = n - r;
    const spread = boxSpread(wrongs, m, r, binom);
    const dPmf = binomialPmf(wrongs, pi1);
    let acc = 0;
    for (let d = 0; d <= Math.min(r, wrongs); d++)
      acc += dPmf[d] * spread(wrongs - d, d === r ? 2 : 1);
    g[r] = acc;
  }
  return g;
}

// Pascal's triangle up to row n (floats; exact up to n = 56, then correctly rounded).
function pascal(n: number): Float64Array[] {
  const rows: Float64Array[] = [];
  for (let j = 0; j <= n; j++) {
    const row = new Float64Array(j + 1);
    row[0] = 1;
    row[j] = 1;
    for (let i = 1; i < j; i++) row[i] = rows[j - 1][i - 1] + rows[j - 1][i];
    rows.push(row);
  }
  return rows;
}

// Product of two series in "hat" form (coefficient j stored as j! a_j), truncated at
// degree deg: (AB)^_j = sum_i C(j, i) A^_i B^_{j-i}. All terms are >= 0.
function hatProduct(a: Float64Array, b: Float64Array, binom: Float64Array[]): Float64Array {
  const out = new Float64Array(a.length);
  for (let j = 0; j < a.length; j++) {
    let s = 0;
    for (let i = 0; i <= j; i++) s += binom[j][i] * a[i] * b[j - i];
    out[j] = s;
  }
  return out;
}

function hatPower(base: Float64Array, p: number, binom: Float64Array[]): Float64Array {
  let result: Float64Array = new Float64Array(base.length);
  result[0] = 1;
  let sq = base;
  for (let e = p; e > 0; e = Math.floor(e / 2)) {
    if (e % 2 === 1) result = hatProduct(result, sq, binom);
    if (e > 1) sq = hatProduct(sq, sq, binom);
  }
  return result;
}

/**
 * (w, t) -> E[[every box <= r] / (t + #{boxes = r})] for w balls (w <= maxW) thrown
 * uniformly into m boxes. Works with E_r(x / m), whose hat coefficients are
 * m^-c (c < r), so every power stays bounded by 1 whatever m.
 */
function boxSpread(
  maxW: number,
  m: number,
  r: number,
  binom: Float64Array[],
): (w: number, t: number) => number {
  if (m === 0) return (w, t) => (w === 0 ? 1 / t : 0);
  const base = new Float64Array(maxW + 1);
  for (let c = 0; c < Math.min(r, maxW + 1); c++) base[c] = m ** -c;
  const eMax = Math.min(m, Math.floor(maxW / r));
  // powers[e] = E_r(x/m)^(m - e), hat form, e = 0..eMax.
  const powers: Float64Array[] = new Array(eMax + 1);
  powers[eMax] = hatPower(base, m - eMax, binom);
  for (let e = eMax - 1; e >= 0; e--) powers[e] = hatProduct(powers[e + 1], base, binom);
  const lnM = Math.log(m);
  const lnFactR = lnGamma(r + 1);
  const lnChooseM = (e: number) => lnGamma(m + 1) - lnGamma(e + 1) - lnGamma(m - e + 1);
  return (w, t) => {
    let s = 0;
    for (let e = 0; e <= Math.min(m, Math.floor(w / r)); e++) {
      const rest = w - e * r;
      const lnWays = lnChooseM(e) - r * e * lnM + lnGamma(w + 1) - lnGamma(rest + 1) - e * lnFactR;
      s += (Math.exp(lnWays) * powers[e][rest]) / (t + e);
    }
    return s;
  };
}
