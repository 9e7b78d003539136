import { describe, expect, it } from "vitest";
import { minTeamForByzantine } from "../../src/analytic/bft.js";
import { expectedOrderStatistic } from "../../src/analytic/latency.js";
import { findLaw, LAWS } from "../../src/analytic/laws.js";
import { chainLength } from "../../src/analytic/leaderWorkerSpeedup.js";
import { gossipRounds } from "../../src/analytic/messages.js";
import { uslPeak } from "../../src/analytic/usl.js";

/** The law's value at n for raw (unparsed) params, as `--param` would give them. */
function at(name: string, raw: Record<string, unknown>, n: number): number {
  const law = findLaw(name);
  if (law === undefined) throw new Error(`no law ${name}`);
  return law.value(n, law.params.parse(raw));
}

function expectClose(actual: number, expected: number, tol = 1e-9) {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(expected)));
}

describe("the registry", () => {
  it("has every law once, with a formula, a source and a parser", () => {
    const names = LAWS.map((l) => l.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of [
      "amdahl",
      "gustafson",
      "work-span",
      "usl",
      "vote",
      "vote-beta",
      "vote-mixture",
      "straggler-max",
      "quorum-wait",
      "hedge",
      "messages",
      "tokens",
      "quorum",
      "bft",
      "raft",
      "independent-cost",
      "leader-worker-speedup",
    ])
      expect(names).toContain(name);
    for (const l of LAWS) {
      expect(l.formula.length).toBeGreaterThan(5);
      expect(l.source.length).toBeGreaterThan(5);
    }
  });

  it("rejects unknown and missing parameters", () => {
    expect(() => findLaw("vote")?.params.parse({ p: 0.7, q: 1 })).toThrow();
    expect(() => findLaw("vote")?.params.parse({ p: 1.5 })).toThrow();
    expect(() =>
      findLaw("straggler-max")?.params.parse({ dist: "lognormal", median: 1 }),
    ).toThrow();
    expect(() =>
      findLaw("straggler-max")?.params.parse({ dist: "exponential", mean: 1, sigma: 1 }),
    ).toThrow();
    expect(() => findLaw("hedge")?.params.parse({ dist: "uniform", min: 2, max: 1 })).toThrow();
    expect(() => findLaw("work-span")?.params.parse({ work: 5, span: 10 })).toThrow();
  });
});

describe("speedup laws (hand values)", () => {
  it("amdahl and gustafson", () => {
    expectClose(at("amdahl", { p: 0.9 }, 10), 1 / 0.19); // 1/(0.1 + 0.9/10)
    expectClose(at("gustafson", { p: 0.9 }, 10), 9.1); // 0.1 + 0.9*10
    expectClose(at("gustafson", { p: 0.9 }, 1), 1);
  });

  it("work-span: Brent's upper and lower bounds", () => {
    expectClose(at("work-span", { work: 20, span: 10 }, 4), 2); // min(4, 20/10)
    expectClose(at("work-span", { work: 20, span: 10, bound: "lower" }, 4), 20 / 15); // 20/(20/4+10)
    expectClose(at("work-span", { work: 100, span: 1 }, 8), 8);
  });

  it("usl: 10 / (1 + 0.05*9 + 0.001*90) and its peak", () => {
    expectClose(at("usl", { alpha: 0.05, beta: 0.001 }, 10), 10 / 1.54);
    expectClose(at("usl", { alpha: 0, beta: 0 }, 7), 7);
    expectClose(uslPeak(0.05, 0.001), Math.sqrt(950));
    expect(uslPeak(0.1, 0)).toBe(Number.POSITIVE_INFINITY);
  });
});

// Reference values computed with python3 fractions.Fraction (exact rational
// arithmetic), printed to 20+ digits with decimal at 40 digits:
//   maj(n, p) = sum_{j=floor(n/2)+1}^{n} comb(n, j) p^j (1-p)^(n-j), p = Fraction(7, 10)
//   mixture   = 6/10 maj(n, 85/100) + 4/10 maj(n, 3/10)
//   beta-binomial, integer a, b: sum_j comb(n, j) B(j+a, n-j+b) / B(a, b) with
//   B(x, y) = (x-1)!(y-1)!/(x+y-1)! as a Fraction.
describe("voting laws (exact rational references)", () => {
  const VOTE_07 = [
    0.7, 0.49, 0.784, 0.6517, 0.83692, 0.74431, 0.873964, 0.80589565, 0.90119134, 0.8497316674,
    0.92177520904, 0.882151261138, 0.9376247882008, 0.90671810883724, 0.949987459946224,
  ];
  it("vote p = 0.7, n = 1..15 (ties lose at even n)", () => {
    VOTE_07.forEach((v, i) => expectClose(at("vote", { p: 0.7 }, i + 1), v));
  });

  it("vote at p = 0, 1/2 and 1", () => {
    expect(at("vote", { p: 0 }, 5)).toBe(0);
    expect(at("vote", { p: 1 }, 4)).toBe(1);
    expectClose(at("vote", { p: 0.5 }, 9), 0.5);
  });

  const MIXTURE: [number, number][] = [
    [1, 0.63],
    [2, 0.4695],
    [3, 0.64995],
    [4, 0.56776875],
    [5, 0.649264875],
    [7, 0.643152496875],
    [9, 0.63614626613671875],
    [11, 0.62969579823584765625],
    [15, 0.6196392519368976001464],
    [21, 0.6105139191998612813629],
  ];
  it("vote-mixture 0.6 / 0.85 / 0.3", () => {
    const m = { easy_fraction: 0.6, p_easy: 0.85, p_hard: 0.3 };
    for (const [n, v] of MIXTURE) expectClose(at("vote-mixture", m, n), v);
  });

  const BETA: [number, number, [number, number][]][] = [
    [
      2,
      1,
      [
        [1, 0.6666666666666666666666],
        [2, 0.5],
        [3, 0.7],
        [4, 0.6],
        [5, 0.7142857142857142857142],
        [9, 0.7272727272727272727272],
        [15, 0.7352941176470588235294],
        [25, 0.7407407407407407407407],
      ],
    ],
    [
      3,
      2,
      [
        [1, 0.6],
        [2, 0.4],
        [3, 0.6285714285714285714285],
        [4, 0.5],
        [5, 0.6428571428571428571428],
        [9, 0.6573426573426573426573],
        [15, 0.6671826625386996904024],
        [25, 0.6743295019157088122605],
      ],
    ],
    [
      1,
      1,
      [
        [1, 0.5],
        [2, 0.3333333333333333333333],
        [4, 0.4],
        [25, 0.5],
      ],
    ],
  ];
  it("vote-beta with integer a, b", () => {
    for (const [a, b, rows] of BETA)
      for (const [n, v] of rows) expectClose(at("vote-beta", { a, b }, n), v);
  });

  it("vote-beta stays finite and in [0, 1] for large n and shapes", () => {
    const v = at("vote-beta", { a: 300, b: 200 }, 2001);
    expect(v).toBeGreaterThan(0.99);
    expect(v).toBeLessThanOrEqual(1);
    // As n grows the accuracy tends to P(p > 1/2) = 1/2 for Beta(1,1).
    expectClose(at("vote-beta", { a: 1, b: 1 }, 1001), 0.5);
  });
});

describe("availability and fault tolerance", () => {
  // python3 Fraction: P(Bin(n, 9/10) >= floor(n/2)+1)
  it("quorum: majority of n up with up = 0.9", () => {
    const ref: [number, number][] = [
      [1, 0.9],
      [2, 0.81],
      [3, 0.972],
      [5, 0.99144],
      [7, 0.997272],
    ];
    for (const [n, v] of ref) expectClose(at("quorum", { up: 0.9 }, n), v);
    // A fixed quorum of 2: P(at least 2 of 3 up) = 0.972; of 1 agent: impossible.
    expectClose(at("quorum", { up: 0.9, size: 2 }, 3), 0.972);
    expect(at("quorum", { up: 0.9, size: 2 }, 1)).toBe(0);
  });

  it("bft tolerates floor((n-1)/3), raft floor((n-1)/2)", () => {
    expect([1, 3, 4, 6, 7, 10].map((n) => at("bft", {}, n))).toEqual([0, 0, 1, 1, 2, 3]);
    expect([1, 2, 3, 4, 5, 7].map((n) => at("raft", {}, n))).toEqual([0, 0, 1, 1, 2, 3]);
    for (const f of [0, 1, 2, 5]) {
      expect(minTeamForByzantine(f)).toBe(3 * f + 1);
      expect(at("bft", {}, minTeamForByzantine(f))).toBe(f);
      if (f > 0) expect(at("bft", {}, minTeamForByzantine(f) - 1)).toBe(f - 1);
    }
  });
});

describe("latency laws", () => {
  // python3 Fraction: 5/2 * sum_{i=1}^{n} 1/i
  it("straggler-max of exponentials is H_n * mean exactly", () => {
    const ref: [number, number][] = [
      [1, 2.5],
      [2, 3.75],
      [5, 5.7083333333333333333333],
      [10, 7.3224206349206349206349],
      [32, 10.146237988591300256899],
    ];
    for (const [n, v] of ref) expectClose(at("straggler-max", { mean: 2.5 }, n), v, 1e-14);
  });

  it("quorum-wait and hedge of exponentials; NaN when k > n", () => {
    // k = 2 of n = 4: mean (1/4 + 1/3)
    expectClose(at("quorum-wait", { k: 2, mean: 1 }, 4), 7 / 12);
    expectClose(at("hedge", { mean: 3 }, 6), 0.5);
    expect(Number.isNaN(at("quorum-wait", { k: 3, mean: 1 }, 2))).toBe(true);
  });

  it("uniform order statistics: min + (max - min) k / (n + 1)", () => {
    expectClose(at("straggler-max", { dist: "uniform", min: 1, max: 3 }, 3), 1 + 2 * 0.75);
    expectClose(at("hedge", { dist: "uniform", min: 0, max: 1 }, 4), 0.2);
  });

  // mpmath (mp.dps = 30): mp.quad of S(x) = sum_{j<k} C(n,j) F^j (1-F)^(n-j) over
  // [0, 0.1, 0.5, 1, 2, 5, 10, 50, inf], F = mp.ncdf(log(x/median)/sigma) or
  // mp.gammainc(shape, 0, x/scale, regularized=True). n = 1 checks: exp(sigma^2/2), shape*scale.
  it("lognormal and gamma by quadrature to 1e-9 relative", () => {
    const ln1 = { dist: "lognormal", median: 1, sigma: 0.5 };
    const maxRef: [number, number][] = [
      [1, 1.1331484530668263168],
      [2, 1.4462672746275042821],
      [5, 1.8953801970090523624],
      [10, 2.2574868374689746192],
      [50, 3.1671429149000393248],
    ];
    for (const [n, v] of maxRef) expectClose(at("straggler-max", ln1, n), v);
    const ln2 = { dist: "lognormal" as const, median: 2, sigma: 1 };
    expectClose(expectedOrderStatistic(ln2, 1, 5), 0.7713645962303403636);
    expectClose(expectedOrderStatistic(ln2, 3, 5), 2.3086745236430422709);
    expectClose(at("quorum-wait", { k: 2, ...ln2 }, 3), 2.5037064379578173331);
    const g = { dist: "gamma", shape: 2.5, scale: 0.8 };
    expectClose(at("straggler-max", g, 1), 2);
    expectClose(at("straggler-max", g, 3), 3.0896497565483101646);
    expectClose(at("straggler-max", g, 10), 4.3152166497905240115);
    expectClose(at("hedge", g, 4), 0.90116517859658323392);
  });

  it("straggler-max grows and hedge shrinks with n", () => {
    const d = { dist: "lognormal", median: 1, sigma: 1 };
    let prevMax = 0;
    let prevMin = Number.POSITIVE_INFINITY;
    for (const n of [1, 2, 4, 8, 16, 64, 256]) {
      const mx = at("straggler-max", d, n);
      const mn = at("hedge", d, n);
      expect(mx).toBeGreaterThan(prevMax);
      expect(mn).toBeLessThan(prevMin);
      prevMax = mx;
      prevMin = mn;
    }
  });
});

describe("communication laws", () => {
  it("messages per round times rounds", () => {
    expect(at("messages", { topology: "star" }, 5)).toBe(8);
    expect(at("messages", { topology: "tree", branching: 3 }, 13)).toBe(24);
    expect(at("messages", { topology: "ring", rounds: 3 }, 6)).toBe(18);
    expect(at("messages", { topology: "all-to-all" }, 5)).toBe(20);
    expect(at("messages", { topology: "gossip", rounds: gossipRounds(16) }, 16)).toBe(2 * 16 * 4);
    expect(at("messages", { topology: "star" }, 1)).toBe(0);
  });

  it("tokens: debate grows quadratically, star linearly", () => {
    // Direct sum over rounds r = 0..R of n (P + r (n-1) A + A).
    const P = 1000;
    const A = 200;
    for (const n of [1, 3, 7])
      for (const R of [0, 1, 3]) {
        let debate = 0;
        let star = 0;
        for (let r = 0; r <= R; r++) {
          debate += n * (P + r * (n - 1) * A + A);
          star += n * (P + (r > 0 ? A : 0) + A);
        }
        expect(at("tokens", { topology: "debate", prompt: P, answer: A, rounds: R }, n)).toBe(
          debate,
        );
        expect(at("tokens", { topology: "star", prompt: P, answer: A, rounds: R }, n)).toBe(star);
      }
    // n = 3, R = 2: 3*3*1200 + 3*2*200*3 = 10800 + 3600
    expect(at("tokens", { topology: "debate", prompt: P, answer: A }, 3)).toBe(14400);
  });
});

describe("team laws", () => {
  it("independent-cost: n * items * (prompt * in + output * out) / 1e6", () => {
    const p = { items: 100, prompt_tokens: 500, output_tokens: 250 };
    // 3 * 100 * (500*2.5 + 250*10) / 1e6 = 300 * 3750 / 1e6
    expectClose(at("independent-cost", p, 3), 1.125);
    expectClose(at("independent-cost", { ...p, price_in: 1, price_out: 1 }, 2), 0.15);
  });

  // Unit-time list scheduling as leader-worker's dynamic assignment does it: the
  // ready queue in topological order (the chain before the independents), every
  // idle worker takes the head.
  function listSchedule(m: number, p: number, workers: number): number {
    const c = chainLength(m, p);
    let chainDone = 0;
    let indepLeft = m - c;
    let t = 0;
    while (chainDone < c || indepLeft > 0) {
      let free = workers;
      if (chainDone < c) {
        chainDone++;
        free--;
      }
      const take = Math.min(free, indepLeft);
      indepLeft -= take;
      t++;
    }
    return t;
  }

  it("leader-worker-speedup is m / makespan of unit-time list scheduling", () => {
    for (const m of [1, 5, 20, 37])
      for (const p of [0, 0.3, 0.5, 0.9, 1])
        for (const n of [1, 2, 3, 4, 5, 8, 17, 40]) {
          const s = at("leader-worker-speedup", { subtasks: m, parallel_fraction: p }, n);
          const expected = n === 1 ? 1 : m / listSchedule(m, p, n - 1);
          expectClose(s, expected, 1e-12);
          if (n >= 2) {
            const c = chainLength(m, p);
            const up = at("work-span", { work: m, span: c }, n - 1);
            const lo = at("work-span", { work: m, span: c, bound: "lower" }, n - 1);
            expect(s).toBeLessThanOrEqual(up + 1e-12);
            expect(s).toBeGreaterThanOrEqual(lo - 1e-12);
          }
        }
    // m = 20, p = 0.9: chain 2; 4 workers: max(2, 5) = 5 -> 4; 10 workers: 2 -> 10
    expectClose(at("leader-worker-speedup", { subtasks: 20, parallel_fraction: 0.9 }, 5), 4);
    expectClose(at("leader-worker-speedup", { subtasks: 20, parallel_fraction: 0.9 }, 11), 10);
  });
});
