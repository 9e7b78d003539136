import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../src/scenario/packageRoot.js";
import { readPaperTasks } from "../../src/scenario/readPaperTasks.js";
import {
  criticalPathLength,
  type PaperSuite,
  paperOrder,
  preassign,
} from "../../src/tasks/PaperSuite.js";

const suites = readPaperTasks(join(packageRoot(), "data/paper-llm-teams/tasks.json"));

describe("the paper's task suites", () => {
  it("has three suites at p = 0.2, 0.5, 0.9 with the critical paths of the paper's table", () => {
    expect(suites.map((s) => `${s.suite}@${s.p}`)).toEqual([
      "dataanalysis@0.2",
      "dataanalysis@0.5",
      "dataanalysis@0.9",
      "mathutilities@0.2",
      "mathutilities@0.5",
      "mathutilities@0.9",
      "svgutils@0.2",
      "svgutils@0.5",
      "svgutils@0.9",
    ]);
    // data/paper-llm-teams/README.md: critical path 16, 10 and 2 subtasks.
    const want: Record<number, number> = { 0.2: 16, 0.5: 10, 0.9: 2 };
    for (const s of suites) {
      expect(s.deps.length).toBe(20);
      expect(criticalPathLength(s)).toBe(want[s.p]);
    }
  });

  it("orders every subtask after its dependencies", () => {
    for (const s of suites) {
      const order = paperOrder(s);
      const at = new Map(order.map((k, i) => [k, i]));
      expect(order.length).toBe(s.deps.length);
      s.deps.forEach((ds, k) => {
        for (const d of ds) expect(at.get(d) as number).toBeLessThan(at.get(k) as number);
      });
    }
  });

  it("preassigns round-robin but keeps a dependency chain on one agent", () => {
    for (const s of suites) {
      for (let n = 1; n <= 5; n++) {
        const owner = preassign(s, n);
        expect(owner.every((o) => o >= 0 && o < n)).toBe(true);
        s.deps.forEach((ds, k) => {
          if (ds.length > 0) expect(owner[k]).toBe(owner[ds[0]]);
        });
        // Independent subtasks are dealt out in turn: agent loads differ by at most one among them.
        const free = s.deps.flatMap((ds, k) => (ds.length === 0 ? [k] : []));
        const load = new Array<number>(n).fill(0);
        for (const k of free) load[owner[k]]++;
        expect(Math.max(...load) - Math.min(...load)).toBeLessThanOrEqual(1);
      }
    }
  });

  it("puts a whole chain on the agent of its head", () => {
    const chain: PaperSuite = {
      suite: "t",
      p: 0,
      names: ["a", "b", "c", "d"],
      deps: [[], [0], [1], []],
      files: [[], [], [], []],
    };
    expect(preassign(chain, 2)).toEqual([0, 0, 0, 1]);
  });
});
