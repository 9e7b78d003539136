import { describe, expect, it } from "vitest";
import { InputError } from "../../src/core/InputError.js";
import { runScenario } from "../../src/experiment/runScenario.js";
import { scenarioOf } from "../helpers.js";

const PANEL = [
  { model: "gpt-4o", count: 1 },
  { model: "claude-sonnet-4-6", count: 1 },
  { model: "llama-3-70b", count: 1 },
];
// The profiles' skills (log-odds shifts), in panel order.
const SKILLS = [0, 2, -0.6];
const P = 0.7;
const SIGMA = 1;

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const logit = (p: number) => Math.log(p / (1 - p));

// E[f(Z)], Z ~ N(0,1), by the midpoint rule on [-9, 9] (error far below the test's tolerance).
function expectNormal(f: (z: number) => number): number {
  const steps = 4000;
  const h = 18 / steps;
  let sum = 0;
  for (let i = 0; i < steps; i++) {
    const z = -9 + (i + 0.5) * h;
    sum += f(z) * Math.exp((-z * z) / 2);
  }
  return (sum * h) / Math.sqrt(2 * Math.PI);
}

// P(at least 2 of 3 right) for independent members of accuracies a (Poisson-binomial).
function majorityOf3(a: readonly number[]): number {
  const [x, y, z] = a;
  return x * y * z + x * y * (1 - z) + x * (1 - y) * z + (1 - x) * y * z;
}

function panel(rho: number) {
  return scenarioOf({
    seed: 11,
    replicates: 40,
    agents: PANEL,
    team: { protocol: "independent", aggregate: "majority" },
    task: {
      items: 250,
      difficulty: { kind: "fixed", p: P },
      errors: { model_noise: SIGMA, rho },
    },
  });
}

// |simulated - law| within twice the 95% CI's half-width (about 4 standard errors).
function expectWithinCi(s: { mean: number; ci95?: readonly [number, number] }, law: number): void {
  const [lo, hi] = s.ci95 ?? [s.mean, s.mean];
  expect(Math.abs(s.mean - law)).toBeLessThanOrEqual(hi - lo);
}

describe("mixed-model teams", () => {
  it("validates a list of groups, numbers members in list order and labels the team", () => {
    const { scenario } = panel(0);
    expect(scenario.agents.count).toBe(3);
    expect(scenario.agents.model).toBe("1×gpt-4o + 1×claude-sonnet-4-6 + 1×llama-3-70b");
    expect(scenario.agents.groups.map((g) => g.model)).toEqual(PANEL.map((g) => g.model));
    // The shorthand is one group.
    const one = scenarioOf({ agents: { model: "gpt-4o", count: 4 } }).scenario.agents;
    expect(one).toEqual({ model: "gpt-4o", count: 4, groups: [{ model: "gpt-4o", count: 4 }] });
  });

  it("`--set agents.1.count=2` changes one group", () => {
    const { scenario } = scenarioOf({ agents: PANEL }, ["agents.1.count=2"]);
    expect(scenario.agents.count).toBe(4);
    expect(scenario.agents.groups[1]).toEqual({ model: "claude-sonnet-4-6", count: 2 });
  });

  it("bad groups are located errors", () => {
    expect(() =>
      scenarioOf({ agents: [{ model: "gpt-4o", count: 1 }, { model: "gpt-9" }] }),
    ).toThrow(/agents\.1\.model/);
    expect(() => scenarioOf({ agents: [{ model: "gpt-4o", count: 0 }] })).toThrow(
      /agents\.0\.count/,
    );
    expect(() => scenarioOf({ agents: [] })).toThrow(InputError);
  });

  it("each member runs its group's model (price, skill)", () => {
    const r = runScenario(panel(0)).report;
    // A majority of a strong, a reference and a weak model beats the reference alone.
    expect(r.summary.accuracy.mean).toBeGreaterThan(P);
  });

  it("rho = 0: the panel's majority matches the Poisson-binomial of the members' accuracies", () => {
    const acc = SKILLS.map((s) => expectNormal((z) => sigmoid(logit(P) + s + SIGMA * z)));
    const law = majorityOf3(acc);
    expectWithinCi(runScenario(panel(0)).report.summary.accuracy, law);
  });

  it("rho = 1: the members share one latent, and the majority gains less", () => {
    const law = expectNormal((z) =>
      majorityOf3(SKILLS.map((s) => sigmoid(logit(P) + s + SIGMA * z))),
    );
    const shared = runScenario(panel(1)).report.summary.accuracy;
    expectWithinCi(shared, law);
    const acc = SKILLS.map((s) => expectNormal((z) => sigmoid(logit(P) + s + SIGMA * z)));
    expect(law).toBeLessThan(majorityOf3(acc) - 0.01);
  });

  it("roles must be what the structure makes each position", () => {
    const lw = (agents: unknown) =>
      scenarioOf({
        agents,
        team: { protocol: "leader-worker" },
        task: { kind: "chain", subtasks: 4 },
      });
    const ok = lw([
      { model: "claude-sonnet-4-6", count: 1, role: "leader" },
      { model: "gemini-3-flash", count: 3, role: "worker" },
    ]);
    expect(ok.scenario.agents.groups.map((g) => g.role)).toEqual(["leader", "worker"]);
    expect(() =>
      lw([
        { model: "gemini-3-flash", count: 3, role: "worker" },
        { model: "claude-sonnet-4-6", count: 1, role: "leader" },
      ]),
    ).toThrow(
      /agents\.0\.role: expected the role leader-worker gives agent-0\.\.agent-2: leader and worker \(roles go by position: agent-0 leader, agent-1\.\.agent-3 worker; reorder or split the groups\)/,
    );
    expect(() => lw({ model: "gpt-4o", count: 3, role: "judge" })).toThrow(
      /agents\.role: expected the role/,
    );
    const pipeline = scenarioOf({
      agents: [
        { model: "gpt-4o", count: 1, role: "planner" },
        { model: "llama-3-70b", count: 1, role: "coder" },
        { model: "gpt-4o", count: 1, role: "reviewer" },
      ],
      team: { protocol: "pipeline" },
      task: { kind: "chain", subtasks: 3 },
    });
    expect(pipeline.scenario.agents.count).toBe(3);
  });
});
