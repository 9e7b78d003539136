import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { correctProbability } from "../../src/agents/correctProbability.js";
import { majorityTail } from "../../src/analytic/special.js";
import { mixtureAccuracy } from "../../src/analytic/voteMixture.js";
import { InputError } from "../../src/core/InputError.js";
import { compareLaw, teamSizes } from "../../src/experiment/compareLaw.js";
import { loadScenario } from "../../src/scenario/loadScenario.js";
import { scenarioOf } from "../helpers.js";

const SCENARIOS = join(import.meta.dirname, "../../scenarios");
const VOTING = join(SCENARIOS, "voting-mixture.yaml");

// A small voting scenario (fast: few items, few replicates) for mapping tests.
const small = (extra: Record<string, unknown> = {}) => ({
  name: "small",
  seed: 3,
  replicates: 10,
  agents: { model: "gpt-4o", count: 3 },
  team: { protocol: "independent", aggregate: "majority" },
  task: { kind: "questions", items: 20, difficulty: { kind: "fixed", p: 0.7 } },
  sweep: { "agents.count": [1, 3] },
  ...extra,
});

describe("compareLaw", () => {
  it("voting-mixture: vote-mixture lies inside every simulated 95% CI", () => {
    const report = compareLaw(loadScenario(VOTING), "vote-mixture");
    expect(report.metric).toBe("accuracy");
    expect(report.params).toEqual({ easy_fraction: 0.6, p_easy: 0.85, p_hard: 0.3 });
    expect(report.points.map((p) => p.n)).toEqual([1, 3, 5, 7, 9, 11, 13]);
    for (const p of report.points) {
      expect(Object.keys(p)).toEqual(["n", "simulated", "ci95", "theory", "within_ci"]);
      expect(p.theory).toBeCloseTo(
        mixtureAccuracy(p.n, { easy_fraction: 0.6, p_easy: 0.85, p_hard: 0.3 }),
        12,
      );
      expect(p.within_ci, `n = ${p.n}`).toBe(true);
      // The CIs are tight enough to tell n = 1 from n = 3 (0.630 vs 0.650)...
      expect(p.ci95[1] - p.ci95[0]).toBeLessThan(0.015);
    }
    expect(report.agree).toBe(true);
  });

  it("takes the law's parameters from the scenario: --set task.difficulty changes the theory", () => {
    const mixture = "task.difficulty={kind: mixture, easy_fraction: 0.5, p_easy: 0.9, p_hard: 0.2}";
    const a = compareLaw(scenarioOf(small(), [mixture]), "vote-mixture");
    expect(a.params).toEqual({ easy_fraction: 0.5, p_easy: 0.9, p_hard: 0.2 });
    const m = { easy_fraction: 0.5, p_easy: 0.9, p_hard: 0.2 };
    expect(a.points.map((p) => p.theory)).toEqual([mixtureAccuracy(1, m), mixtureAccuracy(3, m)]);
    const b = compareLaw(scenarioOf(small()), "vote");
    expect(b.params).toEqual({ p: 0.7 });
    expect(b.points[1].theory).toBeCloseTo(majorityTail(3, 0.7), 12);
    const c = compareLaw(scenarioOf(small(), ["task.difficulty.p=0.55"]), "vote");
    expect(c.points[1].theory).toBeCloseTo(majorityTail(3, 0.55), 12);
    expect(c.points[1].theory).not.toBeCloseTo(b.points[1].theory, 3);
  });

  it("shifts p by the model's skill in logit space", () => {
    const r = compareLaw(scenarioOf(small({ agents: { model: "llama-3-70b", count: 3 } })), "vote");
    const p = correctProbability(0.7, -0.6);
    expect(r.params.p).toBeCloseTo(p, 12);
    expect(r.points[1].theory).toBeCloseTo(majorityTail(3, p), 12);
    expect(r.notes.join(" ")).toContain("skill -0.6");
  });

  it("a law that does not describe the scenario is an InputError saying why", () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [small({ agents: { model: "llama-3-70b", count: 3 } }), "vote-beta", /difficulty.kind.*beta/],
      [
        small({
          agents: { model: "llama-3-70b", count: 3 },
          task: { kind: "questions", items: 20, difficulty: { kind: "beta", a: 2, b: 1 } },
        }),
        "vote-beta",
        /no closed form with skill ≠ 0/,
      ],
      [small(), "vote-mixture-typo", /one of amdahl/],
      [small(), "straggler-max", /straggler-max, which has none/],
      [small(), "quorum", /quorum, which has none/],
      [small(), "amdahl", /task.kind: expected a work graph/],
      [small(), "messages", /team.protocol: expected debate/],
      [small({ team: { protocol: "independent", aggregate: "plurality" } }), "vote", /majority/],
      [small({ team: { protocol: "debate" } }), "vote", /team.protocol/],
      [small({ faults: [{ at_s: 5, crash: ["agent-0"] }] }), "vote", /faults/],
    ];
    for (const [doc, law, message] of cases) {
      let error: unknown;
      try {
        compareLaw(scenarioOf(doc), law);
      } catch (e) {
        error = e;
      }
      expect(error, law).toBeInstanceOf(InputError);
      expect((error as Error).message, law).toMatch(message);
    }
  });

  it("without a sweep block compares at 1..maxN", () => {
    const { sweep: _, ...doc } = small();
    expect(teamSizes(scenarioOf(doc), 4)).toEqual([1, 2, 3, 4]);
    const r = compareLaw(scenarioOf({ ...doc, replicates: 3 }), "vote", { maxN: 2 });
    expect(r.points.map((p) => p.n)).toEqual([1, 2]);
    // A tie of two loses: F(2) = p^2.
    expect(r.points[1].theory).toBeCloseTo(0.49, 12);
  });

  it("counting laws are exact on a debate: messages and tokens", () => {
    const doc = {
      ...small({ team: { protocol: "debate", rounds: 2 } }),
      sweep: { "agents.count": [1, 2, 4] },
    };
    const m = compareLaw(scenarioOf(doc), "messages");
    // 20 items × (n(n-1) per round × 2 rounds + n final answers).
    expect(m.points.map((p) => p.theory)).toEqual([20, 20 * (4 + 2), 20 * (24 + 4)]);
    expect(m.points.map((p) => p.simulated)).toEqual([20, 120, 560]);
    expect(m.agree).toBe(true);
    const t = compareLaw(scenarioOf({ ...doc, replicates: 30 }), "tokens");
    expect(t.metric).toBe("tokens");
    for (const p of t.points) expect(p.within_ci, `n = ${p.n}`).toBe(true);
  });

  it("work-span on a leader-worker graph: an upper bound that holds", () => {
    const loaded = loadScenario(join(SCENARIOS, "law-speedup.yaml"), {
      sets: ["replicates=20", "sweep={agents.count: [1, 3, 5]}"],
    });
    const r = compareLaw(loaded, "work-span");
    expect(r.params).toMatchObject({ work: 12000, span: 1200, bound: "upper" });
    // n agents, n - 1 workers: min(n - 1, W/S).
    expect(r.points.map((p) => p.theory)).toEqual([1, 2, 4]);
    expect(r.bound_holds).toBe(true);
    for (const p of r.points) expect(p.simulated).toBeLessThanOrEqual(p.theory + 1e-9);
  });
});
