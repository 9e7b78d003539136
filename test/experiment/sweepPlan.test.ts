import { describe, expect, it } from "vitest";
import { InputError } from "../../src/core/InputError.js";
import { type SweepAxis, sweepAxes } from "../../src/experiment/SweepAxis.js";
import {
  MAX_SWEEP_POINTS,
  MAX_SWEEP_RESULTS,
  sweepGrid,
  sweepPlan,
} from "../../src/experiment/SweepPlan.js";
import { scenarioOf } from "../helpers.js";

// The grid as the planner built it before issue 13: the eager Cartesian
// product, the last axis varying fastest.
function eagerProduct(axes: readonly SweepAxis[]): unknown[][] {
  let combos: unknown[][] = [[]];
  for (const axis of axes) combos = combos.flatMap((c) => axis.values.map((v) => [...c, v]));
  return combos;
}

const range = (k: number) => Array.from({ length: k }, (_, i) => i);
const axis = (path: string, values: unknown[]): SweepAxis => ({ path, values });

const doc = {
  replicates: 2,
  agents: { model: "gpt-4o", count: 1 },
  team: { protocol: "independent" },
  task: { kind: "questions", items: 3 },
};

describe("sweepGrid: the points of a sweep by index (mixed radix)", () => {
  it("lists a small grid in exactly the eager order", () => {
    const axes = [axis("a", ["x", "y"]), axis("b", [1, 2, 3]), axis("c", [true, false, null, 4])];
    const grid = sweepGrid(axes);
    const eager = eagerProduct(axes);
    expect(grid.size).toBe(24);
    expect(range(24).map((i) => grid.values(i))).toEqual(eager);
    expect(sweepGrid([]).size).toBe(1);
    expect(sweepGrid([]).values(0)).toEqual([]);
    expect(() => grid.values(24)).toThrow(RangeError);
    expect(() => grid.values(-1)).toThrow(RangeError);
  });

  it("maps any point of a 10^6-point grid without listing the others", () => {
    const axes = [axis("a", range(100)), axis("b", range(100)), axis("c", range(100))];
    const grid = sweepGrid(axes);
    expect(grid.size).toBe(1e6);
    expect(grid.values(0)).toEqual([0, 0, 0]);
    expect(grid.values(123_456)).toEqual([12, 34, 56]);
    expect(grid.values(999_999)).toEqual([99, 99, 99]);
    // 10^12 points: still no list, no stack.
    const huge = sweepGrid([...axes, axis("d", range(1e6))]);
    expect(huge.size).toBe(1e12);
    expect(huge.values(1e12 - 1)).toEqual([99, 99, 99, 999_999]);
  });
});

describe("sweepPlan", () => {
  it("keeps the points' order and indices, validating each and handing it over", () => {
    const loaded = scenarioOf(doc);
    const axes = sweepAxes(undefined, ["agents.count=1,3", "task.items=2,4,6"]);
    const seen: [number, number, number][] = [];
    const plan = sweepPlan(loaded, axes, {
      onPoint: (p, at) => {
        const task = at.scenario.task;
        seen.push([p.index, at.scenario.agents.count, task.kind === "questions" ? task.items : -1]);
      },
    });
    expect(plan.points.map((p) => p.index)).toEqual(range(6));
    expect(plan.points.map((p) => [p.params["agents.count"], p.params["task.items"]])).toEqual(
      eagerProduct(axes),
    );
    expect(seen).toEqual([
      [0, 1, 2],
      [1, 1, 4],
      [2, 1, 6],
      [3, 3, 2],
      [4, 3, 4],
      [5, 3, 6],
    ]);
  });

  it.each([
    // The sweep of issue 13 that overflowed the stack: 400 × 400 points.
    [
      ["agents.count", "task.items"].map((p) => `${p}=${range(400).map((i) => i + 1)}`),
      2,
      `--sweep: expected at most ${MAX_SWEEP_POINTS} sweep points (fewer values per axis, or a sweep per slice of an axis), found 160000 points (400 agents.count × 400 task.items)`,
    ],
    [
      ["a=" + range(100), "b=" + range(100), "c=" + range(100)],
      2,
      "found 1000000 points (100 a × 100 b × 100 c)",
    ],
    [
      [`task.items=${range(1000).map((i) => i + 1)}`],
      1000,
      `--sweep: expected at most ${MAX_SWEEP_RESULTS} results, points × replicates (fewer points or replicates, or one sweep directory per slice), found 1000 points × 1000 replicates = 1000000`,
    ],
  ])("refuses %# before building a point (exit 2 with the limit)", (flags, replicates, message) => {
    const loaded = scenarioOf(doc, [`replicates=${replicates}`]);
    let built = 0;
    const plan = () =>
      sweepPlan(loaded, sweepAxes(undefined, flags as string[]), { onPoint: () => built++ });
    expect(plan).toThrow(InputError);
    expect(plan).toThrow(message);
    expect(built).toBe(0);
  });

  it("plans a sweep at the limit", () => {
    const loaded = scenarioOf(doc, ["replicates=1"]);
    // 10 × 10 points is far below the limit; the limit itself is what counts here.
    const axes = sweepAxes(undefined, [
      `task.items=${range(10).map((i) => i + 1)}`,
      `seed=${range(10)}`,
    ]);
    expect(sweepPlan(loaded, axes).points).toHaveLength(100);
    expect(MAX_SWEEP_POINTS * loaded.scenario.replicates).toBeLessThanOrEqual(MAX_SWEEP_RESULTS);
  });
});
