import { describe, expect, it } from "vitest";
import { correctProbability } from "../../src/agents/correctProbability.js";
import type { Law } from "../../src/analytic/Law.js";
import { latentMarginalAccuracy } from "../../src/analytic/latentPanel.js";
import { findLaw } from "../../src/analytic/laws.js";
import { majorityTail } from "../../src/analytic/special.js";
import { InputError } from "../../src/core/InputError.js";
import { type CompareReport, compareLaw } from "../../src/experiment/compareLaw.js";
import { lawFromScenario, theoryAt } from "../../src/experiment/lawFromScenario.js";
import { profilesOf } from "../../src/runtime/World.js";
import type { LoadedScenario } from "../../src/scenario/loadScenario.js";
import { scenarioOf } from "../helpers.js";

// The profiles' skills: gpt-4o 0 (the reference), claude-sonnet-4-6 2, llama-3-70b -0.6.
const PANEL = [
  { model: "gpt-4o", count: 1 },
  { model: "claude-sonnet-4-6", count: 1 },
  { model: "llama-3-70b", count: 1 },
];

// A small panel voting on 200 items of fixed difficulty; sigma 2 and rho 0.5
// make the shared latent move the vote by several CI widths (see "would catch").
const panel = (errors: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  name: "panel",
  seed: 5,
  replicates: 30,
  agents: PANEL,
  team: { protocol: "independent", aggregate: "majority" },
  task: { kind: "questions", items: 200, difficulty: { kind: "fixed", p: 0.7 }, errors },
  ...extra,
});

function voteMixed(): Law {
  const l = findLaw("vote-mixed");
  if (l === undefined) throw new Error("no vote-mixed law");
  return l;
}
const law = voteMixed();

// The law at n with some parameters replaced: a wrong mapping, for the power checks.
function wrongTheory(report: CompareReport, n: number, change: Record<string, unknown>): number {
  return law.value(n, law.params.parse({ ...report.params, ...change }));
}

const outside = (x: number, [lo, hi]: [number, number]) => x < lo || x > hi;

// Whether the law lies within a CI widened from 95% to a 99% family-wise band
// over three team sizes (Bonferroni: z = 2.94 instead of 1.96 per point), for
// the tests that hold every point at once: three 95% CIs all cover the truth
// only 86% of the time.
const FAMILYWISE_Z = 2.94;
function withinFamilywise(p: {
  simulated: number;
  theory: number;
  ci95: [number, number];
}): boolean {
  const halfWidth = ((p.ci95[1] - p.ci95[0]) / 2) * (FAMILYWISE_Z / 1.96);
  return Math.abs(p.theory - p.simulated) <= halfWidth;
}

// The mapping alone (no simulation), with agent-0's profile as compare passes it.
function mapping(loaded: LoadedScenario) {
  const first = profilesOf(loaded.scenario.agents, loaded.profiles)[0];
  return lawFromScenario(law, loaded, first);
}

describe("compare --law vote-mixed", () => {
  it("a mixed panel with partly shared errors: the law lies inside every 95% CI", () => {
    const r = compareLaw(scenarioOf(panel({ model_noise: 2, rho: 0.5 })), "vote-mixed");
    expect(r.metric).toBe("accuracy");
    // A team of groups is compared on its first 1..3 members.
    expect(r.points.map((p) => p.n)).toEqual([1, 2, 3]);
    for (const p of r.points) expect(p.within_ci, `n = ${p.n}`).toBe(true);
    expect(r.agree).toBe(true);
    expect(r.params).toEqual({
      skills: [0, 2, -0.6],
      p: 0.7,
      sigma: 2,
      rho: 0.5,
      rule: "majority",
      choices: 4,
      concentration: 0,
    });
    // n = 1 is gpt-4o alone: the logistic-normal mean of its accuracy.
    expect(r.points[0].theory).toBeCloseTo(latentMarginalAccuracy(0.7, 0, 2), 10);
    expect(r.notes.join("\n")).toContain("(1×gpt-4o 0, 1×claude-sonnet-4-6 2, 1×llama-3-70b -0.6)");
  });

  it("would catch a wrong mapping: rho ignored, members reordered or one skill dropped", () => {
    const r = compareLaw(scenarioOf(panel({ model_noise: 2, rho: 0.5 })), "vote-mixed");
    const misses = (change: Record<string, unknown>) =>
      r.points.filter((p) => outside(wrongTheory(r, p.n, change), p.ci95)).map((p) => p.n);
    // Independent models (rho 0) vote better at n = 3 than the simulated panel does.
    expect(misses({ rho: 0 })).toContain(3);
    expect(misses({ rho: 1 })).not.toEqual([]);
    expect(misses({ skills: [-0.6, 2, 0] })).toContain(1);
    expect(misses({ skills: [0, 0, 0] })).not.toEqual([]);
  });

  it("plurality with colliding wrong answers: agrees, and the distractor matters", () => {
    const doc = panel(
      { model_noise: 1, rho: 0.3, distractor_concentration: 0.9 },
      { team: { protocol: "independent", aggregate: "plurality" } },
    );
    const r = compareLaw(scenarioOf(doc, ["task.choices=5"]), "vote-mixed");
    expect(r.params).toMatchObject({ rule: "plurality", concentration: 0.9, choices: 5 });
    for (const p of r.points) expect(withinFamilywise(p), `n = ${p.n}`).toBe(true);
    const misses = r.points.filter((p) =>
      outside(wrongTheory(r, p.n, { concentration: 0 }), p.ci95),
    );
    expect(misses.map((p) => p.n)).toContain(3);
  });

  it("copies of one model in a mixed panel agree when the noise is all shared (rho 1)", () => {
    const doc = panel(
      { model_noise: 2, rho: 1 },
      {
        agents: [
          { model: "llama-3-70b", count: 2 },
          { model: "claude-sonnet-4-6", count: 1 },
        ],
      },
    );
    const r = compareLaw(scenarioOf(doc), "vote-mixed");
    expect(r.params.skills).toEqual([-0.6, -0.6, 2]);
    for (const p of r.points) expect(p.within_ci, `n = ${p.n}`).toBe(true);
  });

  it("one model is one entry at any size: without noise, the vote law of its shifted p", () => {
    const loaded = scenarioOf({
      ...panel({}),
      agents: { model: "llama-3-70b", count: 3 },
      sweep: { "agents.count": [1, 4, 9] },
    });
    const m = mapping(loaded);
    expect(m.params).toMatchObject({ skills: [-0.6], sigma: 0 });
    const p = correctProbability(0.7, -0.6);
    for (const n of [1, 4, 9]) expect(theoryAt(law, m, n)).toBeCloseTo(majorityTail(n, p), 10);
    // A list of one model's groups is one model too, and may grow past its list.
    const list = scenarioOf({
      ...panel({ model_noise: 1, rho: 0.2 }),
      agents: [
        { model: "gpt-4o", count: 1 },
        { model: "gpt-4o", count: 2 },
      ],
      sweep: { "agents.count": [1, 5] },
    });
    expect(mapping(list).params.skills).toEqual([0]);
  });

  it("a scenario the law does not describe is an InputError at the field", () => {
    const two = [
      { model: "gpt-4o", count: 2 },
      { model: "claude-sonnet-4-6", count: 1 },
    ];
    const again = [...PANEL, { model: "gpt-4o", count: 1 }];
    const noisy = { model_noise: 1, rho: 0.5 };
    const cases: [Record<string, unknown>, RegExp][] = [
      [
        panel(noisy, { team: { protocol: "independent", aggregate: "weighted" } }),
        /team\.aggregate: expected majority or plurality for law vote-mixed/,
      ],
      [
        panel(noisy, { team: { protocol: "independent", quorum: 2 } }),
        /team\.quorum: expected no quorum/,
      ],
      [panel(noisy, { team: { protocol: "debate" } }), /team\.protocol: expected independent/],
      [
        {
          ...panel(noisy),
          task: { kind: "questions", difficulty: { kind: "beta", a: 2, b: 1 }, errors: noisy },
        },
        /task\.difficulty\.kind: expected fixed for law vote-mixed/,
      ],
      [panel(noisy, { faults: [{ at_s: 5, crash: ["agent-0"] }] }), /faults: expected no fault/],
      [panel(noisy, { agents: two }), /agents\.0\.count: expected one member per model/],
      [
        panel(noisy, { agents: again }),
        /agents\.3\.model: expected one member per model.*found gpt-4o again \(agent-0/,
      ],
      [
        panel(noisy, { sweep: { "agents.count": [1, 3, 5] } }),
        /sweep\.agents\.count\.2: expected at most 3 members for law vote-mixed/,
      ],
    ];
    for (const [doc, message] of cases) {
      let error: unknown;
      try {
        mapping(scenarioOf(doc));
      } catch (e) {
        error = e;
      }
      expect(error, String(message)).toBeInstanceOf(InputError);
      expect((error as Error).message).toMatch(message);
    }
    // Without model noise, or with all of it shared, copies and models vote alike.
    expect(mapping(scenarioOf(panel({ model_noise: 0 }, { agents: two }))).params.skills).toEqual([
      0, 0, 2,
    ]);
    expect(
      mapping(scenarioOf(panel({ model_noise: 1, rho: 1 }, { agents: again }))).params.skills,
    ).toEqual([0, 2, -0.6, 0]);
  });
});
