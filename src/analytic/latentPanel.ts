import { MAX_NODES, normalQuadrature } from "./gaussHermite.js";
import { type PanelRule, panelRuleWeights } from "./panelRule.js";
import { expectOver } from "./panelVote.js";
import { integrate, lnGamma } from "./special.js";

/** `count` copies of one model of log-odds skill `skill` (skill 0 is the reference agent). */
export interface ModelGroup {
  skill: number;
  count: number;
}

/** How hard the items are (the scenario's `task.difficulty`): p is the reference agent's accuracy. */
export type PanelDifficulty =
  | { kind: "fixed"; p: number }
  | { kind: "beta"; a: number; b: number }
  | { kind: "mixture"; easy_fraction: number; p_easy: number; p_hard: number };

/** A mixed panel under the shared-latent model (see latentPanelAccuracy). */
export interface LatentPanel {
  groups: readonly ModelGroup[];
  /** Model-noise scale sigma >= 0, in logit units. */
  sigma: number;
  /** Correlation rho in [0, 1] of different models' noise on one item. */
  rho: number;
  rule?: PanelRule;
  /** Number of answer options k >= 2 (default 4). */
  choices?: number;
  /** Probability c that a wrong answer is the item's distractor (default 0). */
  concentration?: number;
  /** Gauss-Hermite nodes per latent dimension (default: latentNodes of its scale). */
  nodes?: number;
}

/**
 * Gauss-Hermite nodes for E[f(s X)], f a binomial pmf in sigmoid(a + s X) over
 * `count` trials: sigmoid has poles at distance pi / s from the real axis and
 * the pmf sharpens like 1 / (s sqrt(count)), so the rule needs more nodes as
 * both grow. 16 + 16 s^2 (1 + sqrt(count)) nodes, at most MAX_NODES, kept the
 * error below 1e-10 wherever that is at most MAX_NODES (measured against 180
 * nodes and adaptive Gauss-Legendre for s <= 2, count <= 31); past the cap the
 * error grows (measured 1e-9 at s = 2 with count 15 and at s = 3 with count 5).
 */
export function latentNodes(scale: number, count: number): number {
  return Math.min(MAX_NODES, Math.ceil(16 + 16 * scale * scale * (1 + Math.sqrt(count))));
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

function logit(p: number): number {
  return Math.log(p / (1 - p));
}

function checkPanel(groups: readonly ModelGroup[], sigma: number, rho: number): void {
  if (!(sigma >= 0 && Number.isFinite(sigma))) throw new RangeError(`sigma = ${sigma}`);
  if (!(rho >= 0 && rho <= 1)) throw new RangeError(`rho = ${rho}`);
  for (const g of groups)
    if (!Number.isInteger(g.count) || g.count < 0 || !Number.isFinite(g.skill))
      throw new RangeError(`group ${JSON.stringify(g)}`);
}

/**
 * The pmf of R, the number of members answering an item of reference accuracy p
 * right, under the shared-latent model. Per item a common Z ~ N(0, 1) and per
 * model m an eta_m ~ N(0, 1), all independent; eps_m = sqrt(rho) Z + sqrt(1 - rho)
 * eta_m; every copy of model m answers right independently with probability
 * q_m = sigmoid(logit(p) + s_m + sigma eps_m) (p = 0 or 1 stays certain). Copies
 * of one model share eps_m (correlation 1), different models share it with
 * correlation rho. Given Z the models are independent, and given eps_m a model's
 * count is Bin(count_m, q_m), so
 *   P(R = r) = E_Z[ (conv_m E_eta[Bin(count_m, q_m)])(r) ],
 * both expectations by Gauss-Hermite quadrature (Abramowitz & Stegun 25.4.46) with
 * `nodes` points per dimension (default latentNodes of sigma sqrt(rho) with n, and
 * of sigma sqrt(1 - rho) with the largest group). rho = 0 drops the Z integral, rho = 1 the eta integrals,
 * sigma = 0 both (the result is then exact). O(nodes^2 sum_m count_m^2 + n^2 K nodes).
 */
export function latentRightCountPmf(
  groups: readonly ModelGroup[],
  p: number,
  sigma: number,
  rho: number,
  nodes?: number,
): Float64Array {
  checkPanel(groups, sigma, rho);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`p = ${p}`);
  const live = groups.filter((g) => g.count > 0);
  const n = live.reduce((s, g) => s + g.count, 0);
  const pmf = new Float64Array(n + 1);
  if (p === 0 || p === 1) {
    pmf[p === 1 ? n : 0] = 1;
    return pmf;
  }
  const base = logit(p);
  // With one model, rho does not matter: its copies share all of eps (one dimension).
  const shared = live.length <= 1 ? 1 : rho;
  const zScale = sigma * Math.sqrt(shared);
  const etaScale = sigma * Math.sqrt(1 - shared);
  // Z moves all n members together; eta one model's copies.
  const largest = Math.max(0, ...live.map((g) => g.count));
  const zRule = ruleFor(zScale, nodes ?? latentNodes(zScale, n));
  const etaRule = ruleFor(etaScale, nodes ?? latentNodes(etaScale, largest));
  const bin = new Float64Array(largest + 1);
  const mixes = live.map((g) => new Float64Array(g.count + 1));
  let total = new Float64Array(n + 1);
  let next = new Float64Array(n + 1);
  for (let iz = 0; iz < zRule.x.length; iz++) {
    const shift = base + zScale * zRule.x[iz];
    total.fill(0);
    total[0] = 1;
    let size = 0;
    live.forEach((g, m) => {
      const mix = mixes[m].fill(0);
      for (let ie = 0; ie < etaRule.x.length; ie++) {
        binomialInto(bin, g.count, sigmoid(shift + g.skill + etaScale * etaRule.x[ie]));
        const w = etaRule.w[ie];
        for (let r = 0; r <= g.count; r++) mix[r] += w * bin[r];
      }
      next.fill(0, 0, size + g.count + 1);
      for (let i = 0; i <= size; i++) {
        const t = total[i];
        if (t === 0) continue;
        for (let j = 0; j <= g.count; j++) next[i + j] += t * mix[j];
      }
      [total, next] = [next, total];
      size += g.count;
    });
    const wz = zRule.w[iz];
    for (let r = 0; r <= n; r++) pmf[r] += wz * total[r];
  }
  return pmf;
}

// The rule for E[f(scale X)]: one point at 0 when scale is 0, else the Gauss-Hermite
// rule without the nodes whose weights sum to below 1e-17 (f is a probability,
// so dropping them moves the result by less than that).
function ruleFor(scale: number, nodes: number): { x: Float64Array; w: Float64Array } {
  if (scale === 0) return { x: new Float64Array([0]), w: new Float64Array([1]) };
  const { x, w } = normalQuadrature(nodes);
  // Nodes are sorted from +large to -large; the weights are symmetric.
  let cut = 0;
  let dropped = 0;
  while (cut < x.length >> 1 && dropped + 2 * w[cut] < 1e-17) dropped += 2 * w[cut++];
  return { x: x.subarray(cut, x.length - cut), w: w.subarray(cut, w.length - cut) };
}

// Bin(count, q) pmf into out[0..count], by the convex-combination recursion.
function binomialInto(out: Float64Array, count: number, q: number): void {
  out[0] = 1;
  for (let j = 0; j < count; j++) {
    out[j + 1] = out[j] * q;
    for (let r = j; r >= 1; r--) out[r] = out[r] * (1 - q) + out[r - 1] * q;
    out[0] *= 1 - q;
  }
}

/**
 * One copy's marginal accuracy E[q_m] = E[sigmoid(logit(p) + skill + sigma X)],
 * X ~ N(0, 1) (the logistic-normal integral), by Gauss-Hermite quadrature.
 */
export function latentMarginalAccuracy(
  p: number,
  skill: number,
  sigma: number,
  nodes?: number,
): number {
  const pmf = latentRightCountPmf([{ skill, count: 1 }], p, sigma, 0, nodes);
  return pmf[1];
}

/**
 * Accuracy of a mixed panel (groups of copies of models of different skills)
 * under the shared-latent model of latentRightCountPmf, decided by `rule`
 * (majority: ties lose; plurality over k choices, wrong answers on the item's
 * distractor with probability c + (1 - c)/(k - 1), ties broken uniformly; see
 * panelRuleWeights): sum_r P(R = r) G[r], averaged over the item's difficulty.
 * Wrong answers are drawn independently of the latent and of each other, so the
 * rule enters only through G. fixed and mixture difficulties are sums; beta
 * integrates over L = logit(p), whose density is sigmoid(L)^a sigmoid(-L)^b / B(a, b),
 * by adaptive Gauss-Legendre (special.ts `integrate`, tails below 1e-15 cut).
 */
export function latentPanelAccuracy(panel: LatentPanel, difficulty: PanelDifficulty): number {
  const n = panel.groups.reduce((s, g) => s + g.count, 0);
  const g = panelRuleWeights(
    n,
    panel.rule ?? "majority",
    panel.choices ?? 4,
    panel.concentration ?? 0,
  );
  const at = (p: number) =>
    expectOver(latentRightCountPmf(panel.groups, p, panel.sigma, panel.rho, panel.nodes), g);
  switch (difficulty.kind) {
    case "fixed":
      return at(difficulty.p);
    case "mixture":
      return (
        difficulty.easy_fraction * at(difficulty.p_easy) +
        (1 - difficulty.easy_fraction) * at(difficulty.p_hard)
      );
    case "beta":
      return betaAverage(at, difficulty.a, difficulty.b);
  }
}

// log sigmoid(x) without overflow.
function logSigmoid(x: number): number {
  return x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x));
}

// E[f(p)], p ~ Beta(a, b), as an integral over L = logit(p): smooth and bounded
// even where the Beta density is not (a or b < 1). The mass below lo is at most
// e^{a lo} / (a B(a, b)), above hi at most e^{-b hi} / (b B(a, b)); both are cut at 1e-15.
function betaAverage(f: (p: number) => number, a: number, b: number): number {
  const lnB = lnGamma(a) + lnGamma(b) - lnGamma(a + b);
  const cut = Math.log(1e-15);
  const lo = (cut + Math.log(a) + lnB) / a;
  const hi = -(cut + Math.log(b) + lnB) / b;
  const density = (l: number) => Math.exp(a * logSigmoid(l) + b * logSigmoid(-l) - lnB);
  const v = integrate((l) => density(l) * f(sigmoid(l)), lo, hi, 1e-11, 32);
  return Math.min(1, Math.max(0, v));
}
