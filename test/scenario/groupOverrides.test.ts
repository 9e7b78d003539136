import { describe, expect, it } from "vitest";
import { correctProbability } from "../../src/agents/correctProbability.js";
import { compareLaw } from "../../src/experiment/compareLaw.js";
import { runScenario } from "../../src/experiment/runScenario.js";
import { profilesOf } from "../../src/runtime/World.js";
import { withOverrides } from "../../src/scenario/withOverrides.js";
import { inputErrorOf, scenarioOf } from "../helpers.js";

// gpt-4o's prices, USD per million input / output tokens (models/gpt-4o.yaml).
const PRICE = { input_per_mtok: 2.5, output_per_mtok: 10 };

function vote(agents: unknown, extra: Record<string, unknown> = {}) {
  return scenarioOf({
    seed: 7,
    replicates: 4,
    agents,
    team: { protocol: "independent", aggregate: "majority" },
    task: { items: 20, difficulty: { kind: "fixed", p: 0.7 } },
    ...extra,
  });
}

function runs(loaded: ReturnType<typeof scenarioOf>) {
  return runScenario(loaded, { keepRuns: true });
}

describe("per-group profile overrides", () => {
  it("a group's price override scales the run's cost, and changes nothing else", () => {
    const plain = runs(vote({ model: "gpt-4o", count: 3 }));
    const factor = 3;
    const dear = {
      input_per_mtok: PRICE.input_per_mtok * factor,
      output_per_mtok: PRICE.output_per_mtok * factor,
    };
    const what = runs(vote({ model: "gpt-4o", count: 3, overrides: { price: dear } }));
    expect(what.report.model).toBe("gpt-4o (what-if)");
    expect(what.runs).toHaveLength(plain.runs.length);
    what.runs.forEach((r, i) => {
      const p = plain.runs[i];
      expect(p.cost_usd).toBeGreaterThan(0);
      expect(r.cost_usd / p.cost_usd).toBeCloseTo(factor, 12);
      // Prices draw nothing: every other measurement is the plain run's.
      expect({ ...r, cost_usd: 0 }).toEqual({ ...p, cost_usd: 0 });
    });
  });

  it("applies each group's overrides to its own members only", () => {
    const groups = [
      { model: "gpt-4o", count: 1 },
      {
        model: "gpt-4o",
        count: 2,
        overrides: { price: { input_per_mtok: 0, output_per_mtok: 0 } },
      },
    ];
    const loaded = vote(groups);
    expect(loaded.scenario.agents.model).toBe("1×gpt-4o + 2×gpt-4o (what-if)");
    const members = profilesOf(loaded.scenario.agents, loaded.profiles);
    expect(members[0]).toBe(loaded.profiles.get("gpt-4o"));
    expect(members[1]).toBe(members[2]);
    expect(members[1].price).toMatchObject({ input_per_mtok: 0, output_per_mtok: 0 });
    // Free copies: the team costs less than three paid ones, more than nothing.
    const mixed = runs(loaded).report.summary.cost_usd.mean;
    const paid = runs(vote({ model: "gpt-4o", count: 3 })).report.summary.cost_usd.mean;
    expect(mixed).toBeGreaterThan(0);
    expect(mixed).toBeLessThan(paid / 2);
  });

  it("empty overrides are the plain model: same label, byte-identical results", () => {
    const plain = runs(vote({ model: "gpt-4o", count: 3 }));
    const empty = runs(vote({ model: "gpt-4o", count: 3, overrides: {} }));
    expect(empty.report.model).toBe("gpt-4o");
    expect(JSON.stringify(empty.runs)).toBe(JSON.stringify(plain.runs));
    expect(JSON.stringify(empty.report.summary)).toBe(JSON.stringify(plain.report.summary));
  });

  it("survive --set and re-validation (sweep points, compare's team sizes)", () => {
    const plain = vote({ model: "gpt-4o", count: 3 });
    expect(plain.scenario.agents.groups[0].overrides).toBeUndefined();
    const again = withOverrides(plain, ["agents.overrides.skill.value=1", "agents.count=5"]);
    expect(again.scenario.agents).toMatchObject({ model: "gpt-4o (what-if)", count: 5 });
    expect(profilesOf(again.scenario.agents, again.profiles)[4].skill.value).toBe(1);
  });

  it("a bad override is a located InputError at agents.<i>.overrides...", () => {
    const ttft = inputErrorOf(() =>
      vote([
        {
          model: "gpt-4o",
          count: 3,
          overrides: { latency: { ttft: { dist: "lognormal", median_s: -1, sigma: 0.3 } } },
        },
      ]),
    );
    expect(ttft.message).toMatch(
      /^test\.yaml:\d+:\d+: agents\.0\.overrides\.latency\.ttft\.median_s: expected > 0, found -1$/,
    );
    const skill = inputErrorOf(() =>
      vote([
        { model: "llama-3-70b", count: 1 },
        { model: "gpt-4o", count: 2, overrides: { skill: { value: "x" } } },
      ]),
    );
    expect(skill.message).toMatch(
      /^test\.yaml:\d+:\d+: agents\.1\.overrides\.skill\.value: expected a number, found "x"$/,
    );
    // The shorthand has no index; a name cannot change.
    const name = inputErrorOf(() =>
      vote({ model: "gpt-4o", count: 3, overrides: { name: "gpt-9" } }),
    );
    expect(name.message).toMatch(
      /^test\.yaml:\d+:\d+: agents\.overrides\.name: expected no name .*found "gpt-9"$/,
    );
    // From the command line, the --set that did it.
    const set = inputErrorOf(() =>
      scenarioOf({ agents: { model: "gpt-4o" } }, ["agents.overrides.price.input_per_mtok=-1"]),
    );
    expect(set.message).toBe(
      "--set agents.overrides.price.input_per_mtok=-1: agents.overrides.price.input_per_mtok: expected >= 0, found -1",
    );
  });

  it("compare takes the law's parameters from the overridden profile", () => {
    const loaded = vote({ model: "gpt-4o", count: 1, overrides: { skill: { value: 1 } } });
    const report = compareLaw(loaded, "vote", { maxN: 1 });
    expect(report.params.p).toBeCloseTo(correctProbability(0.7, 1), 12);
  });

  it("compare's cascade reads each stage's overrides, and says so when one model's groups differ", () => {
    const cascade = (agents: unknown) =>
      scenarioOf({
        seed: 3,
        replicates: 2,
        agents,
        team: { protocol: "cascade", threshold: 0.5 },
        task: { items: 10, difficulty: { kind: "fixed", p: 0.7 } },
      });
    const ok = compareLaw(
      cascade([
        { model: "llama-3-70b", count: 1, overrides: { skill: { value: 1 } } },
        { model: "claude-sonnet-4-6", count: 1 },
      ]),
      "cascade",
    );
    const stages = (ok.params as { stages: { accuracy: number }[] }).stages;
    expect(stages[0].accuracy).toBeCloseTo(correctProbability(0.7, 1), 12);
    const clash = inputErrorOf(() =>
      compareLaw(
        cascade([
          { model: "llama-3-70b", count: 1 },
          { model: "llama-3-70b", count: 1, overrides: { skill: { value: 1 } } },
        ]),
        "cascade",
      ),
    );
    expect(clash.message).toMatch(
      /^test\.yaml: agents\.1\.overrides: expected the same overrides in every group of llama-3-70b/,
    );
  });
});
