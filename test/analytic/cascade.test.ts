import { describe, expect, it } from "vitest";
import { type CascadeStage, cascadeOutcome } from "../../src/analytic/cascade.js";
import {
  betaConfidenceBelow,
  betaConfidenceEscalation,
  verifierEscalation,
} from "../../src/analytic/cascadeEscalation.js";
import { findLaw } from "../../src/analytic/laws.js";
import { integrate } from "../../src/analytic/special.js";
import { Rng } from "../../src/core/Rng.js";
import { ONE, Q, ZERO } from "./rational.js";

function at(raw: Record<string, unknown>, n: number): number {
  const law = findLaw("cascade");
  if (law === undefined) throw new Error("no cascade law");
  return law.value(n, law.params.parse(raw));
}

// Exact reference: walk the tree of every stage's (right or wrong, escalates or
// not) in rationals, independently of the reach recursion.
interface QStage {
  a: Q;
  er: Q;
  ew: Q;
  cost: Q;
  latency: Q;
}
function tree(stages: QStage[], i = 0): { acc: Q; cost: Q; latency: Q } {
  const s = stages[i];
  const last = i === stages.length - 1;
  const er = last ? ZERO : s.er;
  const ew = last ? ZERO : s.ew;
  const next = last ? { acc: ZERO, cost: ZERO, latency: ZERO } : tree(stages, i + 1);
  const wrong = ONE.sub(s.a);
  // Right and kept: +1 right; escalated from either: the rest of the tree.
  const pEscalate = s.a.mul(er).add(wrong.mul(ew));
  return {
    acc: s.a.mul(ONE.sub(er)).add(pEscalate.mul(next.acc)),
    cost: s.cost.add(pEscalate.mul(next.cost)),
    latency: s.latency.add(pEscalate.mul(next.latency)),
  };
}

const q = (n: number, d: number) => Q.of(n, d);
const STAGES: QStage[] = [
  { a: q(3, 5), er: q(1, 5), ew: q(7, 10), cost: q(1, 1000), latency: q(1, 2) },
  { a: q(3, 4), er: q(1, 10), ew: q(1, 2), cost: q(1, 100), latency: q(3, 2) },
  { a: q(9, 10), er: q(1, 20), ew: q(1, 3), cost: q(1, 20), latency: q(4, 1) },
  { a: q(19, 20), er: q(1, 2), ew: q(1, 2), cost: q(1, 5), latency: q(9, 1) },
];
const asNumber = (s: QStage): CascadeStage => ({
  accuracy: s.a.toNumber(),
  escalateIfRight: s.er.toNumber(),
  escalateIfWrong: s.ew.toNumber(),
  cost: s.cost.toNumber(),
  latency: s.latency.toNumber(),
});

describe("cascadeOutcome", () => {
  it("two stages by hand: 0.6 * 0.8 + 0.4 * 0.9 = 0.84, cost c1 + 0.4 c2", () => {
    const out = cascadeOutcome([
      { accuracy: 0.6, escalateIfRight: 0.2, escalateIfWrong: 0.7, cost: 1, latency: 2 },
      { accuracy: 0.9, escalateIfRight: 0.5, escalateIfWrong: 0.5, cost: 10, latency: 5 },
    ]);
    expect(out.accuracy).toBeCloseTo(0.84, 15);
    expect(out.cost).toBeCloseTo(5, 14);
    expect(out.latency).toBeCloseTo(4, 14);
    expect(out.reach[1]).toBeCloseTo(0.4, 15);
    expect(out.escalation[1]).toBe(0); // the last stage never escalates
  });

  it("every prefix of four stages against the exact tree walk (rationals), 1e-15", () => {
    for (let n = 1; n <= STAGES.length; n++) {
      const exact = tree(STAGES.slice(0, n));
      const got = cascadeOutcome(STAGES.slice(0, n).map(asNumber));
      expect(Math.abs(got.accuracy - exact.acc.toNumber())).toBeLessThan(1e-15);
      expect(Math.abs(got.cost - exact.cost.toNumber())).toBeLessThan(1e-15);
      expect(Math.abs(got.latency - exact.latency.toNumber())).toBeLessThan(1e-14);
    }
  });

  it("a perfect router matches the best reachable; never escalating is stage 1 alone", () => {
    const s = STAGES.map(asNumber);
    const keep = s.map((x) => ({ ...x, escalateIfRight: 0, escalateIfWrong: 0 }));
    expect(cascadeOutcome(keep).accuracy).toBe(s[0].accuracy);
    // Escalate exactly the wrong answers: 1 - prod (1 - a_i).
    const oracle = s.map((x) => ({ ...x, escalateIfRight: 0, escalateIfWrong: 1 }));
    const missAll = s.reduce((m, x) => m * (1 - x.accuracy), 1);
    expect(cascadeOutcome(oracle).accuracy).toBeCloseTo(1 - missAll, 15);
  });

  it("rejects probabilities outside [0, 1] and an empty cascade", () => {
    expect(() => cascadeOutcome([])).toThrow();
    expect(() =>
      cascadeOutcome([
        { accuracy: 1.2, escalateIfRight: 0, escalateIfWrong: 0, cost: 0, latency: 0 },
      ]),
    ).toThrow();
  });
});

describe("escalation from a Beta confidence and a verifier", () => {
  it("Beta CDF: uniform, Beta(2,1), Beta(1,2) by hand; general shapes by quadrature", () => {
    for (const t of [0.1, 0.5, 0.83]) {
      expect(betaConfidenceBelow(t, { mean: 0.5, concentration: 2 })).toBeCloseTo(t, 14);
      expect(betaConfidenceBelow(t, { mean: 2 / 3, concentration: 3 })).toBeCloseTo(t * t, 14);
      expect(betaConfidenceBelow(t, { mean: 1 / 3, concentration: 3 })).toBeCloseTo(
        1 - (1 - t) ** 2,
        14,
      );
    }
    // Beta(8, 2) (mean 0.8, kappa 10): B(8, 2) = 1/72.
    const dens = (x: number) => 72 * x ** 7 * (1 - x);
    expect(betaConfidenceBelow(0.7, { mean: 0.8, concentration: 10 })).toBeCloseTo(
      integrate(dens, 0, 0.7),
      13,
    );
    expect(betaConfidenceBelow(0, { mean: 0.8, concentration: 10 })).toBe(0);
    expect(betaConfidenceBelow(1, { mean: 0.8, concentration: 10 })).toBe(1);
    expect(() => betaConfidenceBelow(0.5, { mean: 1, concentration: 10 })).toThrow();
  });

  it("a threshold escalates wrong answers (low confidence) more than right ones", () => {
    const e = betaConfidenceEscalation(
      0.7,
      { mean: 0.85, concentration: 12 },
      { mean: 0.55, concentration: 6 },
    );
    expect(e.escalateIfWrong).toBeGreaterThan(e.escalateIfRight);
  });

  it("verifier: rejection probabilities, combined with a base rule by 'either fires'", () => {
    const v = verifierEscalation(0.8, 0.1);
    expect(v.escalateIfRight).toBeCloseTo(0.1, 15);
    expect(v.escalateIfWrong).toBeCloseTo(0.8, 15);
    const e = verifierEscalation(0.8, 0.1, { escalateIfRight: 0.2, escalateIfWrong: 0.5 });
    expect(e.escalateIfRight).toBeCloseTo(1 - 0.8 * 0.9, 15);
    expect(e.escalateIfWrong).toBeCloseTo(1 - 0.5 * 0.2, 15);
    expect(() => verifierEscalation(1.1, 0)).toThrow();
  });
});

describe("the cascade law", () => {
  const stages = [
    { accuracy: 0.6, cost: 1, latency: 2, escalate_right: 0.2, escalate_wrong: 0.7 },
    { accuracy: 0.9, cost: 10, latency: 5 },
  ];
  it("n stages: the n-th is the last; NaN beyond the list; metric picks cost or latency", () => {
    expect(at({ stages }, 1)).toBe(0.6);
    expect(at({ stages }, 2)).toBeCloseTo(0.84, 15);
    expect(Number.isNaN(at({ stages }, 3))).toBe(true);
    expect(at({ stages, metric: "cost" }, 1)).toBe(1);
    expect(at({ stages, metric: "cost" }, 2)).toBeCloseTo(5, 14);
    expect(at({ stages, metric: "latency" }, 2)).toBeCloseTo(4, 14);
  });

  it("threshold with Beta confidences and a verifier feed the escalation", () => {
    const c = {
      accuracy: 0.6,
      threshold: 0.5,
      confidence_right: { mean: 2 / 3, concentration: 3 }, // e_r = 0.25
      confidence_wrong: { mean: 1 / 3, concentration: 3 }, // e_w = 0.75
      verifier_catch: 0.6,
      verifier_false_reject: 0.2,
    };
    const er = 1 - 0.75 * 0.8;
    const ew = 1 - 0.25 * 0.4;
    const expected = 0.6 * (1 - er) + (0.6 * er + 0.4 * ew) * 0.9;
    expect(at({ stages: [c, { accuracy: 0.9 }] }, 2)).toBeCloseTo(expected, 14);
  });

  it("rejects mixing direct escalation with a threshold, or a threshold without confidences", () => {
    const law = findLaw("cascade");
    const bad = [
      { accuracy: 0.5, escalate_right: 0.1, threshold: 0.5 },
      { accuracy: 0.5, threshold: 0.5, confidence_right: { mean: 0.8, concentration: 5 } },
      { accuracy: 0.5, unknown: 1 },
    ];
    for (const s of bad) expect(() => law?.params.parse({ stages: [s] })).toThrow();
    expect(() => law?.params.parse({ stages: [] })).toThrow();
  });
});

// Monte Carlo: items pushed through the stages with the project's Rng; every
// stage draws right ~ Bernoulli(a), a Beta confidence given right or wrong, and
// the verifier's verdict. 40,000 items; |z| < 4.5 (binomial or sample se).
describe("cascade against Monte Carlo", () => {
  it("accuracy, cost, latency and per-stage escalation", () => {
    const raw = [
      {
        accuracy: 0.62,
        cost: 0.001,
        latency: 0.8,
        threshold: 0.6,
        confidence_right: { mean: 0.8, concentration: 8 },
        confidence_wrong: { mean: 0.5, concentration: 5 },
      },
      {
        accuracy: 0.78,
        cost: 0.01,
        latency: 2,
        threshold: 0.55,
        confidence_right: { mean: 0.85, concentration: 10 },
        confidence_wrong: { mean: 0.45, concentration: 4 },
        verifier_catch: 0.5,
        verifier_false_reject: 0.05,
      },
      { accuracy: 0.9, cost: 0.05, latency: 6 },
    ];
    const law = findLaw("cascade");
    if (law === undefined) throw new Error("no cascade law");
    const parsed = law.params.parse({ stages: raw }) as {
      stages: {
        accuracy: number;
        cost: number;
        latency: number;
        threshold?: number;
        confidence_right?: { mean: number; concentration: number };
        confidence_wrong?: { mean: number; concentration: number };
        verifier_catch: number;
        verifier_false_reject: number;
      }[];
    };
    const draws = 40000;
    const s = new Rng(12).stream("test/cascade");
    let right = 0;
    let cost = 0;
    let cost2 = 0;
    let latency = 0;
    let latency2 = 0;
    const reached = [0, 0, 0];
    const escalated = [0, 0, 0];
    for (let d = 0; d < draws; d++) {
      let c = 0;
      let l = 0;
      for (let i = 0; i < parsed.stages.length; i++) {
        const st = parsed.stages[i];
        reached[i]++;
        c += st.cost;
        l += st.latency;
        const ok = s.bernoulli(st.accuracy);
        let up = false;
        if (st.threshold !== undefined && st.confidence_right && st.confidence_wrong) {
          const conf = ok ? st.confidence_right : st.confidence_wrong;
          up =
            s.beta(conf.concentration * conf.mean, conf.concentration * (1 - conf.mean)) <
            st.threshold;
        }
        if (s.bernoulli(ok ? st.verifier_false_reject : st.verifier_catch)) up = true;
        if (i === parsed.stages.length - 1 || !up) {
          if (ok) right++;
          break;
        }
        escalated[i]++;
      }
      cost += c;
      cost2 += c * c;
      latency += l;
      latency2 += l * l;
    }
    const zs: number[] = [];
    const prop = (hits: number, m: number, p: number) =>
      (hits / m - p) / Math.sqrt((p * (1 - p)) / m);
    const mean = (sum: number, sum2: number, expected: number) => {
      const mu = sum / draws;
      const sd = Math.sqrt((sum2 - draws * mu * mu) / (draws - 1));
      return (mu - expected) / (sd / Math.sqrt(draws));
    };
    const n = raw.length;
    zs.push(prop(right, draws, law.value(n, parsed)));
    zs.push(mean(cost, cost2, law.value(n, { ...parsed, metric: "cost" })));
    zs.push(mean(latency, latency2, law.value(n, { ...parsed, metric: "latency" })));
    const out = cascadeOutcome(
      parsed.stages.map((st) => {
        const e =
          st.threshold !== undefined && st.confidence_right && st.confidence_wrong
            ? betaConfidenceEscalation(st.threshold, st.confidence_right, st.confidence_wrong)
            : undefined;
        return {
          accuracy: st.accuracy,
          cost: st.cost,
          latency: st.latency,
          ...verifierEscalation(st.verifier_catch, st.verifier_false_reject, e),
        };
      }),
    );
    for (const i of [0, 1]) {
      zs.push(prop(escalated[i], reached[i], out.escalation[i]));
      zs.push(prop(reached[i + 1], draws, out.reach[i + 1]));
    }
    if (process.env.MC_REPORT) console.log(`cascade z: ${zs.map((z) => z.toFixed(2)).join(" ")}`);
    for (const z of zs) expect(Math.abs(z)).toBeLessThan(4.5);
  });
});
