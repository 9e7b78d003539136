import { describe, expect, it } from "vitest";
import { latentPanelAccuracy } from "../../src/analytic/latentPanel.js";
import { findLaw } from "../../src/analytic/laws.js";
import { panelVoteAccuracy } from "../../src/analytic/panelVote.js";
import { roundRobinGroups } from "../../src/analytic/voteMixed.js";
import { Rng } from "../../src/core/Rng.js";
import { best, majority } from "../../src/runtime/aggregate.js";

function law(raw: Record<string, unknown>) {
  const l = findLaw("vote-mixed");
  if (l === undefined) throw new Error("no vote-mixed law");
  const params = l.params.parse(raw);
  return (n: number) => l.value(n, params);
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const logit = (p: number) => Math.log(p / (1 - p));

describe("the vote-mixed law", () => {
  it("members cycle through the models: n = 7 over 3 models is 3, 2, 2", () => {
    expect(roundRobinGroups([0.1, 0.2, 0.3], 7).map((g) => g.count)).toEqual([3, 2, 2]);
    expect(roundRobinGroups([0.1, 0.2, 0.3], 2).map((g) => g.count)).toEqual([1, 1, 0]);
    expect(roundRobinGroups([0.5], 4)).toEqual([{ skill: 0.5, count: 4 }]);
  });

  it("sigma = 0: the Poisson-binomial vote of sigmoid(logit p + s_(j mod K)), both rules", () => {
    const skills = [0.6, -0.4, 1.2];
    for (const rule of ["majority", "plurality"] as const) {
      const f = law({ skills, p: 0.65, rule, choices: 5, concentration: 0.25 });
      for (let n = 1; n <= 10; n++) {
        const acc = Array.from({ length: n }, (_, j) => sigmoid(logit(0.65) + skills[j % 3]));
        expect(Math.abs(f(n) - panelVoteAccuracy(acc, rule, 5, 0.25))).toBeLessThan(1e-14);
      }
    }
  });

  it("one model of skill 0 without noise is the vote law; defaults sigma 0, rho 0, majority", () => {
    const vote = findLaw("vote");
    if (vote === undefined) throw new Error("no vote law");
    const f = law({ skills: [0], p: 0.7 });
    for (let n = 1; n <= 15; n++)
      expect(Math.abs(f(n) - vote.value(n, vote.params.parse({ p: 0.7 })))).toBeLessThan(1e-14);
  });

  it("rho = 1 with equal skills equals one model's n copies (list entries are separate models)", () => {
    const three = law({ skills: [0.3, 0.3, 0.3], p: 0.7, sigma: 1.2, rho: 1 });
    const one = law({ skills: [0.3], p: 0.7, sigma: 1.2, rho: 0.4 });
    for (const n of [1, 3, 5, 8]) expect(Math.abs(three(n) - one(n))).toBeLessThan(1e-10);
    // At rho = 0 the three are independent, so the vote beats one model's copies.
    const indep = law({ skills: [0.3, 0.3, 0.3], p: 0.7, sigma: 1.2, rho: 0 });
    expect(indep(3)).toBeGreaterThan(one(3) + 0.01);
  });

  it("correlation hurts a competent panel: accuracy falls as rho grows (n = 3, 5)", () => {
    for (const n of [3, 5]) {
      let prev = Number.POSITIVE_INFINITY;
      for (const rho of [0, 0.25, 0.5, 0.75, 1]) {
        const v = law({ skills: [0.5, -0.2, 0.9], p: 0.7, sigma: 1, rho })(n);
        expect(v).toBeLessThan(prev);
        prev = v;
      }
    }
  });

  it("rejects unknown parameters, an empty skill list and bad rho", () => {
    const l = findLaw("vote-mixed");
    expect(() => l?.params.parse({ skills: [], p: 0.7 })).toThrow();
    expect(() => l?.params.parse({ skills: [0], p: 0.7, rho: 1.5 })).toThrow();
    expect(() => l?.params.parse({ skills: [0], p: 0.7, k: 3 })).toThrow();
    expect(() => l?.params.parse({ skills: [0], p: 0.7, rule: "weighted" })).toThrow();
  });
});

// Monte Carlo of the model itself, with the project's Rng and the simulator's
// own vote rules (`majority`, and `best` with a random tiebreak for plurality):
// per item Z, per model eta, eps = sqrt(rho) Z + sqrt(1 - rho) eta, every copy
// right with sigmoid(logit p + s + sigma eps), a wrong answer the distractor (1)
// with probability c, else uniform over 1..k-1. 20,000 items per point; |z| < 4.5.
describe("vote-mixed against Monte Carlo of the shared-latent model", () => {
  const DRAWS = 20000;
  function simulate(
    skills: number[],
    n: number,
    p: number,
    sigma: number,
    rho: number,
    rule: "majority" | "plurality",
    k: number,
    c: number,
    seed: number,
  ): number {
    const rng = new Rng(seed);
    const s = rng.stream("test/vote-mixed/latent");
    const answers = rng.stream("test/vote-mixed/answers");
    const tiebreak = rng.stream("test/vote-mixed/tiebreak");
    const groups = roundRobinGroups(skills, n);
    let right = 0;
    const tally = new Array(k).fill(0);
    for (let d = 0; d < DRAWS; d++) {
      tally.fill(0);
      const z = s.normal();
      for (const g of groups) {
        const eps = Math.sqrt(rho) * z + Math.sqrt(1 - rho) * s.normal();
        const q = sigmoid(logit(p) + g.skill + sigma * eps);
        for (let i = 0; i < g.count; i++) {
          if (answers.bernoulli(q)) tally[0]++;
          else if (answers.bernoulli(c)) tally[1]++;
          else tally[1 + answers.int(k - 1)]++;
        }
      }
      const decided = rule === "majority" ? majority(tally) : best(tally, tally, tiebreak);
      if (decided === 0) right++;
    }
    return right / DRAWS;
  }

  const skills = [0.5, -0.2, 0.9];
  for (const rho of [0, 0.5, 1])
    it(`three models, p 0.7, sigma 1, rho ${rho}: n = 3, 4, 6 under both rules`, () => {
      const zs: string[] = [];
      for (const rule of ["majority", "plurality"] as const)
        for (const n of [3, 4, 6]) {
          const expected = law({
            skills,
            p: 0.7,
            sigma: 1,
            rho,
            rule,
            choices: 4,
            concentration: 0.3,
          })(n);
          const seed = 1000 * rho + 10 * n + (rule === "majority" ? 0 : 1);
          const got = simulate(skills, n, 0.7, 1, rho, rule, 4, 0.3, seed);
          const z = (got - expected) / Math.sqrt((expected * (1 - expected)) / DRAWS);
          zs.push(`${rule} n=${n}: ${z.toFixed(2)}`);
          expect(Math.abs(z), `${rule} n=${n}: sim ${got} law ${expected}`).toBeLessThan(4.5);
        }
      if (process.env.MC_REPORT) console.log(`rho ${rho}: ${zs.join("; ")}`);
    });

  it("a noisy, weak panel with a strong distractor (sigma 2, rho 0.3, k 3, c 0.6), and beta items", () => {
    const zs: number[] = [];
    for (const n of [2, 5]) {
      for (const rule of ["majority", "plurality"] as const) {
        const expected = law({
          skills: [0, -1],
          p: 0.55,
          sigma: 2,
          rho: 0.3,
          rule,
          choices: 3,
          concentration: 0.6,
        })(n);
        const got = simulate([0, -1], n, 0.55, 2, 0.3, rule, 3, 0.6, 77 + n);
        zs.push((got - expected) / Math.sqrt((expected * (1 - expected)) / DRAWS));
      }
    }
    // Beta(3, 2) difficulty: p drawn per item before the latent.
    const rng = new Rng(5);
    const s = rng.stream("test/vote-mixed/beta");
    const groups = [
      { skill: 0.4, count: 2 },
      { skill: -0.3, count: 1 },
    ];
    let right = 0;
    for (let d = 0; d < DRAWS; d++) {
      const p = s.beta(3, 2);
      const z = s.normal();
      let r = 0;
      for (const g of groups) {
        const eps = Math.sqrt(0.5) * z + Math.sqrt(0.5) * s.normal();
        const q = sigmoid(logit(p) + g.skill + eps);
        for (let i = 0; i < g.count; i++) if (s.bernoulli(q)) r++;
      }
      if (2 * r > 3) right++;
    }
    const expected = latentPanelAccuracy(
      { groups, sigma: 1, rho: 0.5 },
      { kind: "beta", a: 3, b: 2 },
    );
    zs.push((right / DRAWS - expected) / Math.sqrt((expected * (1 - expected)) / DRAWS));
    if (process.env.MC_REPORT)
      console.log(`noisy/beta z: ${zs.map((z) => z.toFixed(2)).join(" ")}`);
    for (const z of zs) expect(Math.abs(z)).toBeLessThan(4.5);
  });
});
