import { describe, expect, it } from "vitest";
import { Rng } from "../../src/core/Rng.js";
import { WorkGraph } from "../../src/tasks/WorkGraph.js";
import { scenarioOf } from "../helpers.js";

// Build a graph through the scenario schema, so defaults and validation apply.
function graph(task: Record<string, unknown>, seed = 1): WorkGraph {
  const { scenario } = scenarioOf({ task });
  if (scenario.task.kind === "questions") throw new Error("expected a work-graph task");
  return new WorkGraph(scenario.task, new Rng(seed));
}

describe("WorkGraph", () => {
  it.each([
    [0.9, 1, 2],
    [0.5, 9, 10],
    [0.2, 15, 16],
  ])(
    "parallel_fraction %f over 20 subtasks: %i with a dependency, critical path %i (the paper's table)",
    (p, withDep, span) => {
      const g = graph({ kind: "workgraph", subtasks: 20, parallel_fraction: p, work_tokens: 100 });
      expect(g.size).toBe(20);
      expect(g.subtasks.filter((s) => s.deps.length > 0)).toHaveLength(withDep);
      expect(g.criticalPathLength).toBe(span);
      expect(g.totalWork).toBe(2000);
      expect(g.criticalPathWork).toBe(100 * span);
    },
  );

  it("parallel_fraction 1 still has a chain of one; 0 is a chain", () => {
    expect(
      graph({ kind: "workgraph", subtasks: 10, parallel_fraction: 1 }).criticalPathLength,
    ).toBe(1);
    expect(
      graph({ kind: "workgraph", subtasks: 10, parallel_fraction: 0 }).criticalPathLength,
    ).toBe(10);
  });

  it("chain, fork-join and layered shapes", () => {
    const chain = graph({ kind: "chain", subtasks: 7, work_tokens: 10 });
    expect(chain.criticalPathLength).toBe(7);
    expect(chain.criticalPathWork).toBe(chain.totalWork);
    const fj = graph({ kind: "fork-join", width: 5, stages: 2, work_tokens: 10 });
    expect(fj.size).toBe(1 + 2 * (5 + 1));
    expect(fj.criticalPathLength).toBe(5);
    const layered = graph({ kind: "layered", layers: 4, width: 3, edge_probability: 0.5 });
    expect(layered.size).toBe(12);
    expect(layered.criticalPathLength).toBe(4);
    for (const s of layered.subtasks.slice(3)) expect(s.deps.length).toBeGreaterThan(0);
  });

  it("integration adds a serial subtask after everything", () => {
    const g = graph({
      kind: "workgraph",
      subtasks: 5,
      parallel_fraction: 1,
      integration: true,
      work_tokens: 10,
    });
    expect(g.size).toBe(6);
    expect(g.subtasks[5].deps).toEqual([0, 1, 2, 3, 4]);
    expect(g.criticalPathLength).toBe(2);
  });

  it("explicit graphs keep their names, work and dependencies; topological order respects them", () => {
    const g = graph({
      kind: "workgraph",
      graph: [
        { name: "tests", deps: ["core", "cli"], work: 300 },
        { name: "core", work: 1000 },
        { name: "cli", deps: ["core"], work: 200 },
      ],
    });
    expect(g.order).toEqual([1, 2, 0]);
    expect(g.criticalPathWork).toBe(1500);
    expect(g.totalWork).toBe(1500);
    expect(g.subtasks[1].files).toEqual(["core.py"]);
  });

  it("explicit graphs with an unknown dependency or a cycle are input errors", () => {
    expect(() =>
      scenarioOf({ task: { kind: "workgraph", graph: [{ name: "a", deps: ["b"] }] } }),
    ).toThrow(/task\.graph\.0\.deps\.0: expected the name of a subtask of this graph, found "b"/);
    expect(() =>
      scenarioOf({
        task: {
          kind: "workgraph",
          graph: [
            { name: "a", deps: ["b"] },
            { name: "b", deps: ["a"] },
          ],
        },
      }),
    ).toThrow(/task\.graph\.0\.deps: expected dependencies without a cycle/);
  });

  it("a protocol that cannot run the task family is an input error", () => {
    expect(() => scenarioOf({ team: { protocol: "debate" }, task: { kind: "chain" } })).toThrow(
      /team\.protocol: expected a protocol that runs work graphs \(debate runs questions tasks\)/,
    );
  });

  it("the same seed draws the same graph; work is drawn per subtask", () => {
    const t = { kind: "layered", layers: 3, width: 4, edge_probability: 0.4 };
    expect(graph(t, 5).subtasks).toEqual(graph(t, 5).subtasks);
    const works = new Set(graph(t, 5).subtasks.map((s) => s.work));
    expect(works.size).toBeGreaterThan(1);
  });
});
