import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { InputError } from "../../src/core/InputError.js";
import { runReplicate } from "../../src/experiment/runReplicate.js";
import { sweepAxes } from "../../src/experiment/SweepAxis.js";
import { pointSets, sweepPlan } from "../../src/experiment/SweepPlan.js";
import { SweepTaskRunner } from "../../src/experiment/sweepTask.js";
import { profilesOf } from "../../src/runtime/World.js";
import { loadScenarioFrom } from "../../src/scenario/loadScenario.js";
import { parseSourceText } from "../../src/scenario/validateYaml.js";
import { scenarioOf } from "../helpers.js";

const A = { model: "gpt-4o", count: 1 };
const B = { model: "llama-3-70b", count: 1 };

// A small vote by a team written as a list of groups, swept over its size.
const doc = (agents: unknown = [A, B], sweep: unknown = { "agents.count": [1, 3] }) => ({
  name: "list-sweep",
  seed: 7,
  replicates: 2,
  agents,
  team: { protocol: "independent", aggregate: "majority" },
  task: { kind: "questions", items: 10, difficulty: { kind: "fixed", p: 0.7 } },
  sweep,
});

// The point's scenario as a sweep worker loads it (sweepTask.ts): the base document and its sets.
function pointScenario(base: unknown, sets: string[]) {
  return loadScenarioFrom(parseSourceText("sweep", stringify(base)), { sets });
}

describe("sweeping agents.count of a team of groups", () => {
  it("becomes the team's first N members (the last group cut or grown)", () => {
    const base = doc();
    expect(pointSets(base, [["agents.count", 3]])).toEqual([
      `agents=${JSON.stringify([A, { ...B, count: 2 }])}`,
    ]);
    expect(pointSets(base, [["agents.count", 1]])).toEqual([`agents=${JSON.stringify([A])}`]);
    // Roles and other group fields go along.
    const roles = doc([
      { ...A, role: "voter" },
      { ...B, role: "voter" },
    ]);
    expect(pointSets(roles, [["agents.count", 3]])).toEqual([
      `agents=${JSON.stringify([
        { ...A, role: "voter" },
        { ...B, role: "voter", count: 2 },
      ])}`,
    ]);
    // Other axes, and a one-model team's count, are set as they are.
    const one = doc({ model: "gpt-4o", count: 3 });
    expect(pointSets(one, [["agents.count", 5]])).toEqual(["agents.count=5"]);
    expect(
      pointSets(base, [
        ["task.items", 4],
        ["agents.count", 2],
      ]),
    ).toEqual(["task.items=4", `agents=${JSON.stringify([A, B])}`]);
  });

  it("sizes the team the point has at that axis (after its earlier overrides)", () => {
    // An earlier axis makes the one-model team a list...
    const list = [{ model: "claude-sonnet-4-6", count: 1 }, B];
    expect(
      pointSets(doc({ model: "gpt-4o", count: 3 }), [
        ["agents", list],
        ["agents.count", 3],
      ]),
    ).toEqual([
      `agents=${JSON.stringify(list)}`,
      `agents=${JSON.stringify([list[0], { ...B, count: 2 }])}`,
    ]);
    // ...or grows one of its groups.
    expect(
      pointSets(doc(), [
        ["agents.0.count", 2],
        ["agents.count", 2],
      ]),
    ).toEqual(["agents.0.count=2", `agents=${JSON.stringify([{ ...A, count: 2 }])}`]);
  });

  it("a size that is not an integer >= 1 is a located InputError, not an internal one", () => {
    for (const bad of [0, 2.5, "three", null]) {
      expect(() => pointSets(doc(), [["agents.count", bad]])).toThrow(InputError);
    }
    const loaded = scenarioOf(doc());
    let error: unknown;
    try {
      sweepPlan(loaded, sweepAxes(loaded.scenario.sweep, ["agents.count=2,0"]));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(
      /^sweep point 1 \(agents\.count=0\): agents\.count: expected a team size \(an integer >= 1/,
    );
    // A cut team its structure rejects is the schema's located error, at the point:
    // mixture-of-agents wants its last member the aggregator.
    const moa = scenarioOf({
      ...doc([
        { model: "gpt-4o", count: 2, role: "proposer" },
        { model: "claude-sonnet-4-6", count: 1, role: "aggregator" },
      ]),
      team: { protocol: "mixture-of-agents" },
      sweep: { "agents.count": [3, 2] },
    });
    expect(() => sweepPlan(moa, sweepAxes(moa.scenario.sweep, []))).toThrow(
      /^sweep point 1 \(agents\.count=2\): agents\.(0\.)?role: expected the role mixture-of-agents gives agent-0\.\.agent-1/,
    );
  });

  it("the scenario's sweep block: each point runs its first N members, params keep agents.count", () => {
    const loaded = scenarioOf(doc());
    const plan = sweepPlan(loaded, sweepAxes(loaded.scenario.sweep, []));
    expect(plan.points.map((p) => p.params)).toEqual([
      { "agents.count": 1 },
      { "agents.count": 3 },
    ]);
    const models = plan.points.map((p) => {
      const { scenario, profiles } = pointScenario(plan.base, p.sets);
      return profilesOf(scenario.agents, profiles).map((m) => m.name);
    });
    expect(models).toEqual([["gpt-4o"], ["gpt-4o", "llama-3-70b", "llama-3-70b"]]);
    // The worker's result line is the run of the team [a, b, b] written out.
    const runner = new SweepTaskRunner({ base: plan.base, points: plan.points });
    const line = JSON.parse(runner.run({ point: 1, replicate: 1 }));
    expect(line).toMatchObject({ point: 1, replicate: 1, params: { "agents.count": 3 } });
    const written = scenarioOf({ ...doc([A, { ...B, count: 2 }]), sweep: undefined });
    const { replicate: _, ...direct } = runReplicate(written.scenario, written.profiles, 1).result;
    const { point: _p, replicate: _r, params: _q, ...swept } = line;
    expect(swept).toEqual(JSON.parse(JSON.stringify(direct)));
    // ...and not that of [a, a, b] (gpt-4o costs more than llama-3-70b).
    const other = scenarioOf({ ...doc([{ ...A, count: 2 }, B]), sweep: undefined });
    expect(runReplicate(other.scenario, other.profiles, 1).result.cost_usd).not.toBe(
      swept.cost_usd,
    );
  });
});
