import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/experiment/runScenario.js";
import { majority } from "../../src/protocols/independent.js";
import { binomialMajority, scenarioOf } from "../helpers.js";

const ITEMS = 200;

function accuracy(
  count: number,
  difficulty: Record<string, unknown>,
  extra: Record<string, unknown> = {},
  replicates = 100,
) {
  const loaded = scenarioOf({
    seed: 11,
    replicates,
    agents: { model: "gpt-4o", count },
    team: { protocol: "independent", aggregate: "majority" },
    task: { kind: "questions", items: ITEMS, difficulty },
    ...extra,
  });
  return runScenario(loaded).report;
}

// Items are independent Bernoulli trials given p, so the pooled accuracy over
// replicates has standard error sqrt(q(1-q)/(items*replicates)); 4 se bounds.
function expectNear(observed: number, q: number, trials: number) {
  expect(Math.abs(observed - q)).toBeLessThan(4 * Math.sqrt((q * (1 - q)) / trials));
}

describe("independent voting", () => {
  it("majority of 1 agent at p = 0.7 has accuracy 0.700", () => {
    const r = accuracy(1, { kind: "fixed", p: 0.7 });
    expectNear(r.summary.accuracy.mean, 0.7, ITEMS * 100);
    expect(r.summary.decided.mean).toBe(1);
  });

  it("majority of 9 agents at p = 0.7 has accuracy 0.901 (binomial tail)", () => {
    const q = binomialMajority(9, 0.7);
    expect(q).toBeCloseTo(0.901, 3);
    const r = accuracy(9, { kind: "fixed", p: 0.7 });
    expectNear(r.summary.accuracy.mean, q, ITEMS * 100);
    expect(r.summary.messages.mean).toBe(9 * ITEMS);
    expect(r.summary.calls.mean).toBe(9 * ITEMS);
  });

  it("majority over a two-level mixture matches the mixture of binomial tails", () => {
    const r = accuracy(5, { kind: "mixture", easy_fraction: 0.6, p_easy: 0.85, p_hard: 0.3 });
    const q = 0.6 * binomialMajority(5, 0.85) + 0.4 * binomialMajority(5, 0.3);
    // Mixture membership adds variance across items: per-item Bernoulli(q) still holds marginally.
    expectNear(r.summary.accuracy.mean, q, ITEMS * 100);
  });

  it("plurality beats majority when wrong answers split over many choices", () => {
    const base = { kind: "fixed", p: 0.4 };
    const maj = accuracy(
      7,
      base,
      { task: { kind: "questions", items: ITEMS, choices: 10, difficulty: base } },
      30,
    );
    const plu = accuracy(
      7,
      base,
      {
        team: { protocol: "independent", aggregate: "plurality" },
        task: { kind: "questions", items: ITEMS, choices: 10, difficulty: base },
      },
      30,
    );
    expect(plu.summary.accuracy.mean).toBeGreaterThan(maj.summary.accuracy.mean + 0.1);
  });

  it("a crashed agent stops voting and the rest still decide every item", () => {
    const r = accuracy(
      5,
      { kind: "fixed", p: 0.7 },
      { faults: [{ at_s: 100, crash: ["agent-1", "agent-2"] }] },
      10,
    );
    expect(r.summary.decided.mean).toBe(1);
    expect(r.summary.crashes.mean).toBe(2);
    expect(r.summary.calls.mean).toBeLessThan(5 * ITEMS);
  });

  it("votes cut off by a partition leave items undecided (and the run ends, not hangs)", () => {
    const r = accuracy(
      3,
      { kind: "fixed", p: 0.7 },
      { faults: [{ at_s: 50, partition: [["agent-0"], ["agent-1", "agent-2", "coordinator"]] }] },
      5,
    );
    expect(r.summary.decided.mean).toBeLessThan(1);
    expect(r.summary.messages_dropped.mean).toBeGreaterThan(0);
    expect(r.end_reasons).toEqual({ quiescent: 5 });
    expect(r.summary.violations).toBe(0);
  });
});

describe("majority()", () => {
  it("needs strictly more than half of the votes cast", () => {
    expect(majority([3, 2, 0])).toBe(0);
    expect(majority([2, 2, 0])).toBe(-1);
    expect(majority([0, 1, 0])).toBe(1);
    expect(majority([0, 0, 0])).toBe(-1);
  });
});

describe("independent voting when the whole team crashes", () => {
  it("items nobody voted on stay undecided; those with votes are decided", () => {
    const r = runScenario(
      scenarioOf({
        seed: 2,
        replicates: 5,
        agents: { model: "gpt-4o", count: 3 },
        team: { protocol: "independent" },
        task: { kind: "questions", items: 50, difficulty: { kind: "fixed", p: 0.7 } },
        faults: [{ at_s: 30, crash: ["agent-0", "agent-1", "agent-2"] }],
      }),
    ).report;
    // About 30 s / ~3.7 s per call: a handful of items answered, the rest never.
    expect(r.summary.decided.mean).toBeGreaterThan(0.05);
    expect(r.summary.decided.mean).toBeLessThan(0.4);
    expect(r.summary.makespan_s.mean).toBeGreaterThanOrEqual(30);
  });
});
