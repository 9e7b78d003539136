import { describe, expect, it } from "vitest";
import { findLaw } from "../../src/analytic/laws.js";
import { distractorProbability, panelRuleWeights } from "../../src/analytic/panelRule.js";
import { panelVoteAccuracy } from "../../src/analytic/panelVote.js";
import { binomialPmf, poissonBinomialPmf } from "../../src/analytic/poissonBinomial.js";
import type { RandomStream } from "../../src/core/Rng.js";
import { best, majority } from "../../src/runtime/aggregate.js";
import { ONE, Q, ZERO } from "./rational.js";

// References by brute force: every answer vector in {0..k-1}^n, its probability
// in exact rationals (member i: right a_i, the distractor (1 - a_i)(c + (1-c)/(k-1)),
// each other wrong answer (1 - a_i)(1 - c)/(k - 1)), and the outcome decided by
// the simulator's own `majority` and `best` (plurality). A tie of `best` is
// averaged over every value its tiebreak stream could return.

/** P(the team is right | tally) under the simulator's rule. */
function ruleOutcome(rule: "majority" | "plurality", tally: number[]): Q {
  if (rule === "majority") return majority(tally) === 0 ? ONE : ZERO;
  let len = 0;
  let idx = 0;
  const stub = {
    int: (n: number) => {
      len = n;
      return idx;
    },
  } as unknown as RandomStream;
  best(tally, tally, stub);
  let wins = 0;
  for (idx = 0; idx < len; idx++) if (best(tally, tally, stub) === 0) wins++;
  return Q.of(wins, len);
}

function bruteForce(acc: Q[], rule: "majority" | "plurality", k: number, c: Q): Q {
  const n = acc.length;
  const kq = Q.of(k - 1);
  const pDistractor = c.add(ONE.sub(c).div(kq));
  const pOther = ONE.sub(c).div(kq);
  let total = ZERO;
  const answers = new Array(n).fill(0);
  for (let code = 0; code < k ** n; code++) {
    let x = code;
    for (let i = 0; i < n; i++) {
      answers[i] = x % k;
      x = Math.floor(x / k);
    }
    let prob = ONE;
    const tally = new Array(k).fill(0);
    answers.forEach((a, i) => {
      tally[a]++;
      const wrong = ONE.sub(acc[i]);
      prob = prob.mul(a === 0 ? acc[i] : wrong.mul(a === 1 ? pDistractor : pOther));
    });
    if (prob.num === 0n) continue;
    total = total.add(prob.mul(ruleOutcome(rule, tally)));
  }
  return total;
}

const CASES: { acc: [number, number][]; k: number; c: [number, number] }[] = [
  { acc: [[7, 10]], k: 4, c: [0, 1] },
  {
    acc: [
      [7, 10],
      [3, 5],
    ],
    k: 2,
    c: [0, 1],
  },
  {
    acc: [
      [7, 10],
      [3, 5],
    ],
    k: 3,
    c: [1, 3],
  },
  {
    acc: [
      [7, 10],
      [3, 5],
      [1, 2],
    ],
    k: 4,
    c: [0, 1],
  },
  {
    acc: [
      [9, 10],
      [2, 5],
      [1, 3],
    ],
    k: 3,
    c: [1, 2],
  },
  {
    acc: [
      [4, 5],
      [3, 5],
      [11, 20],
      [1, 4],
    ],
    k: 4,
    c: [1, 4],
  },
  {
    acc: [
      [4, 5],
      [3, 5],
      [11, 20],
      [1, 4],
    ],
    k: 5,
    c: [1, 1],
  },
  {
    acc: [
      [1, 2],
      [1, 3],
      [1, 4],
      [1, 5],
      [1, 6],
    ],
    k: 4,
    c: [0, 1],
  },
  {
    acc: [
      [7, 10],
      [7, 10],
      [3, 5],
      [3, 5],
      [1, 2],
      [2, 5],
    ],
    k: 4,
    c: [1, 5],
  },
  {
    acc: [
      [1, 5],
      [3, 10],
      [1, 4],
      [1, 10],
      [1, 5],
      [1, 3],
    ],
    k: 3,
    c: [0, 1],
  },
  {
    acc: [
      [3, 10],
      [1, 5],
      [1, 4],
      [2, 5],
    ],
    k: 6,
    c: [1, 10],
  },
  {
    acc: [
      [1, 1],
      [0, 1],
      [1, 2],
    ],
    k: 3,
    c: [0, 1],
  },
];

describe("panelVoteAccuracy against brute-force enumeration (exact rationals)", () => {
  for (const { acc, k, c } of CASES)
    for (const rule of ["majority", "plurality"] as const) {
      const label = `${rule}, k=${k}, c=${c.join("/")}, a=${acc.map((a) => a.join("/")).join(",")}`;
      it(label, () => {
        const exact = bruteForce(
          acc.map(([p, q]) => Q.of(p, q)),
          rule,
          k,
          Q.of(c[0], c[1]),
        ).toNumber();
        const got = panelVoteAccuracy(
          acc.map(([p, q]) => p / q),
          rule,
          k,
          c[0] / c[1],
        );
        expect(Math.abs(got - exact)).toBeLessThanOrEqual(1e-12);
      });
    }
});

describe("panel rule weights", () => {
  it("reduce to the vote law for equal accuracies (majority), n = 1..15", () => {
    const vote = findLaw("vote");
    if (vote === undefined) throw new Error("no vote law");
    for (const p of [0.3, 0.5, 0.7, 0.93])
      for (let n = 1; n <= 15; n++) {
        const expected = vote.value(n, vote.params.parse({ p }));
        expect(Math.abs(panelVoteAccuracy(new Array(n).fill(p)) - expected)).toBeLessThan(1e-13);
      }
  });

  it("plurality with two choices: P(R > n/2) + P(R = n/2) / 2", () => {
    for (let n = 1; n <= 12; n++) {
      const g = panelRuleWeights(n, "plurality", 2, 0.4);
      for (let r = 0; r <= n; r++) expect(g[r]).toBe(2 * r > n ? 1 : 2 * r === n ? 0.5 : 0);
    }
  });

  it("plurality with every wrong answer on the distractor does not depend on k", () => {
    const a = [0.7, 0.45, 0.6, 0.3, 0.55];
    const two = panelVoteAccuracy(a, "plurality", 2);
    for (const k of [3, 4, 10, 1000]) {
      expect(Math.abs(panelVoteAccuracy(a, "plurality", k, 1) - two)).toBeLessThan(1e-14);
    }
  });

  it("plurality: one right vote among n spread over many wrong answers (hand value)", () => {
    // n = 3, r = 1, k = 4, c = 0: the two wrong votes differ with probability 2/3
    // (a three-way tie, right wins 1/3), agree with probability 1/3 (right loses).
    const g = panelRuleWeights(3, "plurality", 4, 0);
    expect(Math.abs(g[1] - (2 / 3) * (1 / 3))).toBeLessThan(1e-15);
    expect(g[0]).toBe(0);
    expect(Math.abs(g[2] - 1)).toBeLessThan(1e-15);
    // Very many wrong answers: wrong votes never coincide, r = 1 ties with all n.
    const wide = panelRuleWeights(5, "plurality", 1e6 + 1, 0);
    expect(Math.abs(wide[1] - 1 / 5)).toBeLessThan(1e-5);
  });

  it("plurality is at least majority, and grows with k at c = 0", () => {
    const a = [0.6, 0.35, 0.5, 0.45];
    const maj = panelVoteAccuracy(a, "majority");
    let prev = 0;
    for (const k of [2, 3, 4, 8, 50]) {
      const pl = panelVoteAccuracy(a, "plurality", k, 0);
      expect(pl).toBeGreaterThanOrEqual(maj);
      expect(pl).toBeGreaterThan(prev);
      prev = pl;
    }
  });

  it("distractor probability c + (1 - c)/(k - 1); bad k or c rejected", () => {
    expect(distractorProbability(4, 0)).toBeCloseTo(1 / 3, 15);
    expect(distractorProbability(4, 0.5)).toBeCloseTo(0.5 + 0.5 / 3, 15);
    expect(distractorProbability(2, 0)).toBe(1);
    expect(() => distractorProbability(1, 0)).toThrow();
    expect(() => distractorProbability(4, 1.2)).toThrow();
  });
});

describe("poissonBinomialPmf", () => {
  it("sums to 1, equals the binomial for equal p, and rejects p outside [0, 1]", () => {
    const pmf = poissonBinomialPmf([0.1, 0.9, 0.5, 0.33]);
    expect(Math.abs(pmf.reduce((s, x) => s + x, 0) - 1)).toBeLessThan(1e-15);
    // P(R = 0) = 0.9 * 0.1 * 0.5 * 0.67
    expect(Math.abs(pmf[0] - 0.9 * 0.1 * 0.5 * 0.67)).toBeLessThan(1e-16);
    const b = binomialPmf(10, 0.3);
    const pb = poissonBinomialPmf(new Array(10).fill(0.3));
    for (let r = 0; r <= 10; r++) expect(Math.abs(b[r] - pb[r])).toBeLessThan(1e-16);
    expect(() => poissonBinomialPmf([0.5, 1.5])).toThrow();
    expect(() => poissonBinomialPmf([Number.NaN])).toThrow();
  });
});
