import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { independentCost } from "../../src/analytic/independentCost.js";
import { mixtureAccuracy } from "../../src/analytic/voteMixture.js";
import { InputError } from "../../src/core/InputError.js";
import { recommend } from "../../src/experiment/recommend.js";
import { loadScenario } from "../../src/scenario/loadScenario.js";

// The shipped voting scenario, with fewer items and replicates: closed forms do
// not depend on them, and makespans only need to be ordered.
const loaded = loadScenario(join(import.meta.dirname, "../../scenarios/voting-mixture.yaml"), {
  sets: ["task.items=40"],
});
const MIX = { easy_fraction: 0.6, p_easy: 0.85, p_hard: 0.3 };
const base = { structures: ["independent"], replicates: 4, maxN: 9 } as const;

// The law's arg-max over 1..9 (ties to the smaller team).
function lawArgMax(maxN: number): number {
  let best = 1;
  for (let n = 2; n <= maxN; n++)
    if (mixtureAccuracy(n, MIX) > mixtureAccuracy(best, MIX)) best = n;
  return best;
}

describe("recommend", () => {
  const top = recommend(loaded, { ...base, objective: "accuracy" });

  it("picks the arg-max of the mixture law for accuracy among independent teams", () => {
    const n = lawArgMax(9);
    // F(3) = 0.64995 beats F(5) = 0.64926: the quickstart mixture peaks at three.
    expect(n).toBe(3);
    expect(top.choice).not.toBeNull();
    expect(top.choice?.["agents.count"]).toBe(n);
    expect(top.choice?.["team.protocol"]).toBe("independent");
    expect(top.choice?.agents).toEqual({ count: n });
    expect(top.choice?.team.protocol).toBe("independent");
    expect(top.choice?.accuracy).toBeCloseTo(mixtureAccuracy(n, MIX), 12);
    expect(top.choice?.source).toEqual({
      accuracy: "closed form",
      makespan_s: "simulation",
      cost_usd: "closed form",
    });
    expect(top.candidates).toHaveLength(9);
    const cost3 = independentCost.value(3, {
      items: 40,
      prompt_tokens: 400,
      output_tokens: 250 * Math.exp(0.18),
      price_in: 2.5,
      price_out: 10,
    });
    expect(top.choice?.cost_usd).toBeCloseTo(cost3, 12);
  });

  it("a budget below the arg-max's cost picks a smaller team", () => {
    const cost = top.choice?.cost_usd as number;
    const r = recommend(loaded, { ...base, objective: "accuracy", budgetUsd: cost * 0.9 });
    expect(r.choice?.["agents.count"]).toBeLessThan(3);
    expect(r.choice?.cost_usd).toBeLessThanOrEqual(cost * 0.9);
    // n = 1 (0.63) beats n = 2 (0.4695: a tie of two loses).
    expect(r.choice?.["agents.count"]).toBe(1);
    const over = r.candidates.filter((c) => c.excluded.length > 0).map((c) => c["agents.count"]);
    expect(over).toEqual([3, 4, 5, 6, 7, 8, 9]);
  });

  it("a deadline below the arg-max's makespan picks a faster team", () => {
    const makespan = top.choice?.makespan_s as number;
    const one = top.candidates[0].makespan_s;
    // Waiting for the slowest of n agents: bigger teams take longer.
    expect(makespan).toBeGreaterThan(one);
    const deadline = (one + makespan) / 2;
    const r = recommend(loaded, { ...base, objective: "accuracy", deadlineS: deadline });
    expect(r.choice).not.toBeNull();
    expect(r.choice?.makespan_s).toBeLessThanOrEqual(deadline);
    expect(r.choice?.["agents.count"]).toBeLessThan(3);
  });

  it("returns no choice, with a reason, when nothing meets the constraints", () => {
    const r = recommend(loaded, { ...base, objective: "cost", budgetUsd: 0.001, maxN: 3 });
    expect(r.choice).toBeNull();
    expect(r.reason).toMatch(/none of the 3 candidates/);
    for (const c of r.candidates) expect(c.excluded[0]).toMatch(/> budget 0.001/);
    const acc = recommend(loaded, { ...base, objective: "accuracy", minAccuracy: 0.99, maxN: 3 });
    expect(acc.choice).toBeNull();
  });

  it("simulates where no closed form holds, and optimizes cost and utility", () => {
    const r = recommend(loaded, {
      objective: "cost",
      structures: ["single", "debate"],
      replicates: 3,
      maxN: 2,
    });
    const debate = r.candidates.filter((c) => c["team.protocol"] === "debate");
    expect(debate.map((c) => c.source.accuracy)).toEqual(["simulation", "simulation"]);
    expect(r.candidates[0]).toMatchObject({
      "team.protocol": "single",
      "agents.count": 1,
      source: { accuracy: "closed form", cost_usd: "closed form" },
    });
    expect(r.choice?.["team.protocol"]).toBe("single");
    const u = recommend(loaded, { ...base, objective: "utility", lambda: 0, mu: 0, maxN: 5 });
    // With free cost and time, utility is accuracy.
    expect(u.choice?.["agents.count"]).toBe(3);
    for (const c of u.candidates) expect(c.utility).toBe(c.accuracy);
  });

  it("rejects a structure that cannot run the task", () => {
    expect(() =>
      recommend(loaded, { ...base, objective: "accuracy", structures: ["leader-worker"] }),
    ).toThrow(InputError);
  });
});

describe("recommend with a team of several models", () => {
  it("sizes the team by its first members (the last group grown) and simulates it", () => {
    const loaded = loadScenario(join(import.meta.dirname, "../../scenarios/cascade.yaml"), {
      sets: ["task.items=10"],
    });
    const r = recommend(loaded, {
      objective: "accuracy",
      maxN: 3,
      structures: ["cascade", "independent"],
      replicates: 3,
    });
    expect(r.skipped).toEqual([]);
    expect(r.candidates).toHaveLength(6);
    // No one-model closed form applies to a mixed team.
    const mixed = r.candidates.filter((c) => c["agents.count"] > 1);
    expect(mixed.every((c) => c.source.accuracy === "simulation")).toBe(true);
    // The choice is the most accurate candidate (which structure that is, with
    // ten items and three replicates, is within the noise: both reach 0.87-0.9).
    const best = Math.max(...r.candidates.map((c) => c.accuracy));
    expect(r.choice?.accuracy).toBe(best);
  });
});

describe("recommend over compositions (--models)", () => {
  const voting = loadScenario(join(import.meta.dirname, "../../scenarios/voting-mixture.yaml"), {
    sets: ["task.items=20"],
  });
  const models = ["gpt-4o", "llama-3-70b"];
  const structures = ["single", "independent", "cascade", "mixture-of-agents"];
  const r = recommend(voting, {
    objective: "accuracy",
    models,
    structures,
    maxN: 3,
    replicates: 3,
  });

  it("lists every composition of each structure's roles, none skipped", () => {
    expect(r.skipped).toEqual([]);
    expect(r.models).toEqual(models);
    const count = (p: string) => r.candidates.filter((c) => c["team.protocol"] === p).length;
    // single: one solver of either model; independent: multisets of 1..3 voters
    // (2 + 3 + 4); cascade: orders of distinct models (2 + 2); mixture-of-agents
    // (n >= 2): proposers' multisets × the aggregator (2×2 + 3×2).
    expect([count("single"), count("independent"), count("cascade")]).toEqual([2, 9, 4]);
    expect(count("mixture-of-agents")).toBe(10);
    for (const c of r.candidates) {
      expect(c.groups?.reduce((s, g) => s + g.count, 0)).toBe(c["agents.count"]);
      expect(c.composition).toBeDefined();
    }
    const moa = r.candidates.find(
      (c) => c.composition === "proposer 2×llama-3-70b + aggregator 1×gpt-4o",
    );
    expect(moa?.["agents.count"]).toBe(3);
  });

  it("a one-model team's numbers are the resized search's (closed forms included)", () => {
    const plain = recommend(voting, {
      objective: "accuracy",
      structures: ["independent"],
      maxN: 3,
      replicates: 3,
    });
    const three = r.candidates.find((c) => c.composition === "voter 3×gpt-4o");
    expect(three?.accuracy).toBe(plain.candidates[2].accuracy);
    expect(three?.cost_usd).toBe(plain.candidates[2].cost_usd);
    expect(three?.source.accuracy).toBe("closed form");
    // A mixed panel has no one-model closed form.
    const mixed = r.candidates.find(
      (c) => c.composition === "voter 2×gpt-4o + voter 1×llama-3-70b",
    );
    expect(mixed?.source.accuracy).toBe("simulation");
  });

  it("marks exactly the non-dominated teams within the constraints, and chooses one of them", () => {
    // The median cost of the unconstrained search: about half the teams are over it.
    const costs = r.candidates.map((c) => c.cost_usd).sort((x, y) => x - y);
    const budget = costs[Math.floor(costs.length / 2)];
    const b = recommend(voting, {
      objective: "accuracy",
      models,
      structures,
      maxN: 3,
      replicates: 3,
      budgetUsd: budget,
    });
    const feasible = b.candidates.filter((c) => c.excluded.length === 0);
    expect(feasible.length).toBeGreaterThan(2);
    expect(feasible.length).toBeLessThan(b.candidates.length);
    for (const c of b.candidates) {
      const dominated = feasible.some(
        (o) =>
          o.accuracy >= c.accuracy &&
          o.cost_usd <= c.cost_usd &&
          o.makespan_s <= c.makespan_s &&
          (o.accuracy > c.accuracy || o.cost_usd < c.cost_usd || o.makespan_s < c.makespan_s),
      );
      expect(c.pareto).toBe(c.excluded.length === 0 && !dominated);
    }
    const best = Math.max(...feasible.map((c) => c.accuracy));
    expect(b.choice?.accuracy).toBe(best);
    expect(b.choice?.pareto).toBe(true);
    expect(b.choice?.cost_usd).toBeLessThanOrEqual(budget);
    expect(b.choice?.agents).toEqual(b.choice?.groups);
  });

  it("refuses an unknown model and a search past the limit before simulating", () => {
    expect(() =>
      recommend(voting, { objective: "accuracy", models: ["gpt-4o", "gpt-9"], replicates: 1 }),
    ).toThrow(/--models.*expected models from models\/.*found "gpt-9"/s);
    expect(() =>
      recommend(voting, {
        objective: "accuracy",
        models: ["gpt-4o", "llama-3-70b", "gemini-3-flash", "claude-sonnet-4-6", "gpt-5.2"],
        maxN: 12,
        replicates: 1,
      }),
    ).toThrow(/at most 3000 candidates/);
  });
});
