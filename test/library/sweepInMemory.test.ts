import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runSweep } from "../../src/experiment/runSweep.js";
import { sweepAxes } from "../../src/experiment/SweepAxis.js";
import { buildSweepManifest } from "../../src/experiment/SweepManifest.js";
import { sweepPlan } from "../../src/experiment/SweepPlan.js";
import { sweepInMemory } from "../../src/experiment/sweepInMemory.js";
import { scenarioFromObject } from "../../src/scenario/scenarioFromObject.js";
import { inputErrorOf } from "../helpers.js";

function voting(sweep?: Record<string, unknown[]>) {
  return scenarioFromObject({
    name: "sweep-in-memory",
    seed: 3,
    replicates: 3,
    agents: { model: "gpt-4o", count: 1 },
    team: { protocol: "independent", aggregate: "majority" },
    task: { kind: "questions", items: 10, difficulty: { kind: "fixed", p: 0.6 } },
    ...(sweep === undefined ? {} : { sweep }),
  });
}

const dir = mkdtempSync(join(tmpdir(), "teamsim-sweep-mem-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("sweepInMemory", () => {
  it("gives the summary rows and results a sweep directory holds", async () => {
    const loaded = voting({ "agents.count": [1, 3], "task.difficulty.p": [0.4, 0.8] });
    const mine = sweepInMemory(loaded);
    // The same sweep through the directory route (one worker, in this thread).
    const axes = sweepAxes(loaded.scenario.sweep, []);
    const plan = sweepPlan(loaded, axes);
    const out = join(dir, "swept");
    const manifest = buildSweepManifest(loaded, axes, plan, { shard: null, command: [] });
    await runSweep({ dir: out, plan, manifest, shard: undefined, workers: 1, resume: false });
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    expect(JSON.stringify(mine.summary)).toBe(JSON.stringify(summary));
    expect(mine.summary).toHaveLength(4);
    expect(mine.results).toHaveLength(12);
    const lines = readFileSync(join(out, "results.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => {
        const { sha256: _, ...rest } = JSON.parse(l);
        return rest;
      })
      .sort((a, b) => a.point - b.point || a.replicate - b.replicate);
    expect(mine.results).toEqual(lines);
  });

  it("takes the axes as an argument (a mapping or a list), over the scenario's own", () => {
    const loaded = voting({ "agents.count": [1, 3, 5] });
    const a = sweepInMemory(loaded, { axes: { "agents.count": [5, 7] } });
    expect(a.summary.map((r) => r["agents.count"])).toEqual([5, 7]);
    const b = sweepInMemory(loaded, { axes: [{ path: "agents.count", values: [5, 7] }] });
    expect(b.summary).toEqual(a.summary);
    let calls = 0;
    sweepInMemory(loaded, { onProgress: () => calls++ });
    expect(calls).toBe(9);
  });

  it("refuses an empty axis and a value the schema rejects, before running", () => {
    const loaded = voting();
    expect(inputErrorOf(() => sweepInMemory(loaded, { axes: { "agents.count": [] } })).found).toBe(
      "[]",
    );
    const e = inputErrorOf(() => sweepInMemory(loaded, { axes: { "agents.count": [2, 0] } }));
    expect(e.file).toBe("sweep point 1 (agents.count=0)");
    expect(e.docPath).toBe("agents.count");
  });
});
