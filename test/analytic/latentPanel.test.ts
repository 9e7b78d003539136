import { describe, expect, it } from "vitest";
import {
  latentMarginalAccuracy,
  latentPanelAccuracy,
  latentRightCountPmf,
  type ModelGroup,
} from "../../src/analytic/latentPanel.js";
import { panelRuleWeights } from "../../src/analytic/panelRule.js";
import { panelVoteAccuracy } from "../../src/analytic/panelVote.js";
import { binomialPmf } from "../../src/analytic/poissonBinomial.js";
import { gaussLegendre, integrate } from "../../src/analytic/special.js";
import { betaBinomialMajority } from "../../src/analytic/voteBeta.js";

// The references here use a different numerical route from the code under test:
// one-dimensional integrals over a standard normal by adaptive Gauss-Legendre
// (special.ts `integrate`, 1e-13) instead of Gauss-Hermite.

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const logit = (p: number) => Math.log(p / (1 - p));
const phi = (x: number) => Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI);
/** E[f(X)], X ~ N(0, 1), by adaptive Gauss-Legendre on [-14, 14]. */
const normalMean = (f: (x: number) => number) =>
  integrate((x) => phi(x) * f(x), -14, 14, 1e-14, 64);

/**
 * A rule for E[f(X)], X ~ N(0, 1): composite 10-point Gauss-Legendre on [-9, 9]
 * (60 panels) times the normal density; nodes by Newton on P_10. Independent of
 * the Gauss-Hermite code; for the smooth integrands here its error is below 1e-13.
 */
function legendreNormalRule(): { x: number[]; w: number[] } {
  const { x: gx, w: gw } = gaussLegendre(10);
  const m = gx.length;
  const x: number[] = [];
  const w: number[] = [];
  const panels = 60;
  const h = 18 / panels;
  for (let k = 0; k < panels; k++) {
    const mid = -9 + (k + 0.5) * h;
    for (let i = 0; i < m; i++) {
      const t = mid + (h / 2) * gx[i];
      x.push(t);
      w.push((h / 2) * gw[i] * phi(t));
    }
  }
  return { x, w };
}

function expectClose(actual: number, expected: number, tol: number) {
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(tol);
}

const RULES = [
  { rule: "majority" as const, choices: 4, concentration: 0 },
  { rule: "plurality" as const, choices: 4, concentration: 0 },
  { rule: "plurality" as const, choices: 3, concentration: 0.5 },
];

describe("latent panel: the three reductions", () => {
  it("rho = 0, one copy per model: independent members with accuracy E[q_m] (Poisson-binomial)", () => {
    const p = 0.7;
    const skills = [0.4, -0.3, 0, 1.1, -0.8];
    for (const sigma of [0.5, 1, 2])
      for (let size = 1; size <= skills.length; size++) {
        const groups = skills.slice(0, size).map((skill) => ({ skill, count: 1 }));
        const marginals = groups.map((g) =>
          normalMean((x) => sigmoid(logit(p) + g.skill + sigma * x)),
        );
        groups.forEach((g, i) => {
          expectClose(latentMarginalAccuracy(p, g.skill, sigma), marginals[i], 1e-10);
        });
        for (const r of RULES)
          expectClose(
            latentPanelAccuracy({ groups, sigma, rho: 0, ...r }, { kind: "fixed", p }),
            panelVoteAccuracy(marginals, r.rule, r.choices, r.concentration),
            1e-10,
          );
      }
  });

  it("rho = 1, equal skills: n copies of one model with latent logit(p) + sigma Z", () => {
    for (const [p, skill, sigma] of [
      [0.7, 0, 1],
      [0.55, 0.3, 2],
      [0.8, -0.5, 0.5],
    ])
      for (const counts of [[1, 1, 1], [2, 3], [1, 2, 1, 3], [4]]) {
        const groups = counts.map((count) => ({ skill, count }));
        const n = counts.reduce((s, c) => s + c, 0);
        for (const r of RULES) {
          const g = panelRuleWeights(n, r.rule, r.choices, r.concentration);
          const expected = normalMean((z) => {
            const bin = binomialPmf(n, sigmoid(logit(p) + skill + sigma * z));
            return bin.reduce((s, b, k) => s + b * g[k], 0);
          });
          expectClose(
            latentPanelAccuracy({ groups, sigma, rho: 1, ...r }, { kind: "fixed", p }),
            expected,
            1e-10,
          );
        }
      }
  });

  it("sigma = 0: independent Bernoulli(sigmoid(logit p + s_m)) members", () => {
    const groups: ModelGroup[] = [
      { skill: 0.5, count: 2 },
      { skill: -1, count: 3 },
      { skill: 0, count: 1 },
    ];
    const p = 0.65;
    const members = groups.flatMap((g) => new Array(g.count).fill(sigmoid(logit(p) + g.skill)));
    for (const rho of [0, 0.4, 1])
      for (const r of RULES)
        expectClose(
          latentPanelAccuracy({ groups, sigma: 0, rho, ...r }, { kind: "fixed", p }),
          panelVoteAccuracy(members, r.rule, r.choices, r.concentration),
          1e-14,
        );
  });

  it("rho does not matter for copies of a single model", () => {
    const groups = [{ skill: 0.2, count: 5 }];
    const at = (rho: number) =>
      latentPanelAccuracy({ groups, sigma: 1.5, rho }, { kind: "fixed", p: 0.6 });
    expectClose(at(0), at(1), 1e-15);
    expectClose(at(0.5), at(1), 1e-10);
  });
});

describe("latent panel: numerics", () => {
  it("the pmf sums to 1; certain items stay certain", () => {
    const groups = [
      { skill: 1, count: 2 },
      { skill: -0.5, count: 3 },
    ];
    const pmf = latentRightCountPmf(groups, 0.6, 1.2, 0.35);
    expectClose(
      pmf.reduce((s, x) => s + x, 0),
      1,
      1e-13,
    );
    expect([...latentRightCountPmf(groups, 1, 2, 0.5)]).toEqual([0, 0, 0, 0, 0, 1]);
    expect([...latentRightCountPmf(groups, 0, 2, 0.5)]).toEqual([1, 0, 0, 0, 0, 0]);
  });

  it("the default Gauss-Hermite nodes agree with 180 to 1e-10 for sigma <= 3", () => {
    const groups = [
      { skill: 0.8, count: 2 },
      { skill: -0.4, count: 2 },
      { skill: 0, count: 3 },
    ];
    for (const sigma of [0.5, 1, 2, 3])
      for (const rho of [0, 0.2, 0.7, 1]) {
        const a = latentRightCountPmf(groups, 0.7, sigma, rho);
        const b = latentRightCountPmf(groups, 0.7, sigma, rho, 180);
        for (let r = 0; r < a.length; r++) expectClose(a[r], b[r], 1e-10);
      }
  });

  it("0 < rho < 1 against a product Gauss-Legendre rule over Z and each model's eta", () => {
    const groups = [
      { skill: 0.6, count: 2 },
      { skill: -0.4, count: 3 },
    ];
    const { x, w } = legendreNormalRule();
    for (const [sigma, rho] of [
      [1, 0.5],
      [1.5, 0.3],
      [2, 0.8],
    ]) {
      const a = sigma * Math.sqrt(rho);
      const b = sigma * Math.sqrt(1 - rho);
      const expected = new Array(6).fill(0);
      for (let i = 0; i < x.length; i++) {
        // Per model: E_eta[Bin(count, q)] at this Z, then the two models convolved.
        const mix = groups.map((g) => {
          const m = new Array(g.count + 1).fill(0);
          for (let j = 0; j < x.length; j++) {
            const bin = binomialPmf(g.count, sigmoid(logit(0.7) + g.skill + a * x[i] + b * x[j]));
            for (let k = 0; k <= g.count; k++) m[k] += w[j] * bin[k];
          }
          return m;
        });
        for (let r0 = 0; r0 <= 2; r0++)
          for (let r1 = 0; r1 <= 3; r1++) expected[r0 + r1] += w[i] * mix[0][r0] * mix[1][r1];
      }
      const got = latentRightCountPmf(groups, 0.7, sigma, rho);
      for (let r = 0; r <= 5; r++) expectClose(got[r], expected[r], 1e-10);
    }
  });

  it("sharp integrands (many copies, large sigma) against adaptive Gauss-Legendre", () => {
    for (const [count, sigma] of [
      [15, 1.5],
      [5, 2],
      [31, 1],
    ]) {
      const g = panelRuleWeights(count, "majority");
      const expected = normalMean((z) =>
        binomialPmf(count, sigmoid(logit(0.7) + sigma * z)).reduce((s, x, k) => s + x * g[k], 0),
      );
      const got = latentPanelAccuracy(
        { groups: [{ skill: 0, count }], sigma, rho: 0.5 },
        { kind: "fixed", p: 0.7 },
      );
      expectClose(got, expected, 1e-10);
    }
  });

  it("beta difficulty with sigma = 0 and skill 0 is the beta-binomial (vote-beta)", () => {
    for (const [a, b] of [
      [3, 2],
      [2, 1],
      [0.7, 0.4],
    ])
      for (const n of [1, 2, 3, 5, 8]) {
        const v = latentPanelAccuracy(
          { groups: [{ skill: 0, count: n }], sigma: 0, rho: 0 },
          { kind: "beta", a, b },
        );
        expectClose(v, betaBinomialMajority(n, a, b), 1e-9);
      }
  });

  it("beta difficulty with skills and noise: a direct double integral over p and Z (rho = 1)", () => {
    // rho = 1, equal skills: R | p, Z ~ Bin(n, sigmoid(logit p + s + sigma Z)).
    const [a, b, s, sigma, n] = [3, 2, 0.4, 1, 5];
    const g = panelRuleWeights(n, "majority");
    const lnB = Math.log(1 / 12); // B(3, 2) = 2! 1! / 4! = 1/12
    const inner = (p: number) =>
      normalMean((z) => {
        const bin = binomialPmf(n, sigmoid(logit(p) + s + sigma * z));
        return bin.reduce((acc, x, k) => acc + x * g[k], 0);
      });
    const expected = integrate(
      (p) => Math.exp((a - 1) * Math.log(p) + (b - 1) * Math.log(1 - p) - lnB) * inner(p),
      1e-12,
      1 - 1e-12,
      1e-11,
      16,
    );
    const v = latentPanelAccuracy(
      { groups: [{ skill: s, count: n }], sigma, rho: 1 },
      { kind: "beta", a, b },
    );
    expectClose(v, expected, 1e-9);
  });

  it("mixture difficulty is the weighted sum of two fixed ones", () => {
    const panel = {
      groups: [
        { skill: 0, count: 2 },
        { skill: 1, count: 1 },
      ],
      sigma: 1,
      rho: 0.5,
    };
    const m = latentPanelAccuracy(panel, {
      kind: "mixture",
      easy_fraction: 0.6,
      p_easy: 0.85,
      p_hard: 0.3,
    });
    const f = (p: number) => latentPanelAccuracy(panel, { kind: "fixed", p });
    expectClose(m, 0.6 * f(0.85) + 0.4 * f(0.3), 1e-15);
  });

  it("rejects bad sigma, rho, counts and p", () => {
    const groups = [{ skill: 0, count: 3 }];
    expect(() => latentRightCountPmf(groups, 0.5, -1, 0)).toThrow();
    expect(() => latentRightCountPmf(groups, 0.5, 1, 1.5)).toThrow();
    expect(() => latentRightCountPmf([{ skill: 0, count: 1.5 }], 0.5, 1, 0)).toThrow();
    expect(() => latentRightCountPmf(groups, 1.2, 1, 0)).toThrow();
  });
});
