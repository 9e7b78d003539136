import { describe, expect, it } from "vitest";
import { parseShard, resolveShard, shardTasks } from "../../src/experiment/Shard.js";
import { parseSweepFlag, sweepAxes } from "../../src/experiment/SweepAxis.js";
import { sweepPlan } from "../../src/experiment/SweepPlan.js";
import { scenarioOf } from "../helpers.js";

describe("sweep shards", () => {
  it("round-robin shards partition the tasks", () => {
    const all = [
      ...shardTasks(10, { index: 1, count: 3 }),
      ...shardTasks(10, { index: 2, count: 3 }),
    ];
    all.push(...shardTasks(10, { index: 3, count: 3 }));
    expect(all.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(shardTasks(10, { index: 2, count: 3 })).toEqual([1, 4, 7]);
    expect(shardTasks(3, undefined)).toEqual([0, 1, 2]);
  });

  it("rejects malformed shards", () => {
    for (const bad of ["3/2", "0/2", "1/0", "a/b", "1", "1/2/3"])
      expect(() => parseShard(bad)).toThrow(/i\/n with 1 <= i <= n/);
  });

  it("takes the shard from Slurm job arrays (0- or 1-based via SLURM_ARRAY_TASK_MIN)", () => {
    expect(
      resolveShard(undefined, { SLURM_ARRAY_TASK_ID: "0", SLURM_ARRAY_TASK_COUNT: "4" }),
    ).toEqual({ index: 1, count: 4 });
    expect(
      resolveShard(undefined, {
        SLURM_ARRAY_TASK_ID: "4",
        SLURM_ARRAY_TASK_MIN: "1",
        SLURM_ARRAY_TASK_COUNT: "4",
      }),
    ).toEqual({ index: 4, count: 4 });
    expect(() =>
      resolveShard(undefined, { SLURM_ARRAY_TASK_ID: "4", SLURM_ARRAY_TASK_COUNT: "4" }),
    ).toThrow(/SLURM_ARRAY_TASK_ID=4/);
  });

  it("takes the shard from Kubernetes Indexed Jobs (0-based) and prefers the flag", () => {
    expect(resolveShard(undefined, { JOB_COMPLETION_INDEX: "2", TEAMSIM_SHARDS: "3" })).toEqual({
      index: 3,
      count: 3,
    });
    expect(() => resolveShard(undefined, { JOB_COMPLETION_INDEX: "2" })).toThrow(/TEAMSIM_SHARDS/);
    expect(resolveShard("1/2", { JOB_COMPLETION_INDEX: "2", TEAMSIM_SHARDS: "3" })).toEqual({
      index: 1,
      count: 2,
    });
    expect(resolveShard(undefined, {})).toBeUndefined();
  });
});

describe("sweep plan", () => {
  const doc = {
    name: "t",
    seed: 1,
    replicates: 2,
    agents: { model: "gpt-4o", count: 3 },
    team: { protocol: "independent" },
    task: { kind: "questions", items: 5, difficulty: { kind: "fixed", p: 0.7 } },
    sweep: { "agents.count": [1, 3] },
  };

  it("is the Cartesian product, --sweep adding or replacing axes", () => {
    const loaded = scenarioOf(doc);
    const axes = sweepAxes(loaded.scenario.sweep, ["agents.count=1,5", "task.items=4,6"]);
    expect(axes).toEqual([
      { path: "agents.count", values: [1, 5] },
      { path: "task.items", values: [4, 6] },
    ]);
    const plan = sweepPlan(loaded, axes);
    expect(plan.points.map((p) => p.params)).toEqual([
      { "agents.count": 1, "task.items": 4 },
      { "agents.count": 1, "task.items": 6 },
      { "agents.count": 5, "task.items": 4 },
      { "agents.count": 5, "task.items": 6 },
    ]);
    expect(plan.base).not.toHaveProperty("sweep");
  });

  it("names the path of an unknown or invalid sweep value, and rejects empty lists", () => {
    const loaded = scenarioOf(doc);
    expect(() => sweepPlan(loaded, sweepAxes(undefined, ["agents.colour=1"]))).toThrow(
      /agents\.colour/,
    );
    expect(() => sweepPlan(loaded, sweepAxes(undefined, ["agents.count=2,0"]))).toThrow(
      /agents\.count: expected >= 1/,
    );
    expect(() => sweepAxes(undefined, ["agents.count="])).toThrow(/non-empty list/);
    expect(parseSweepFlag("team.protocol=single, independent").values).toEqual([
      "single",
      "independent",
    ]);
  });
});
