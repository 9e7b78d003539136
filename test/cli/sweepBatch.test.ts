import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { batchSize } from "../../src/experiment/runSweep.js";

const BIN = join(import.meta.dirname, "../../bin/teamsim.js");
const QUICK = join(import.meta.dirname, "../../scenarios/quickstart.yaml");
const root = mkdtempSync(join(tmpdir(), "teamsim-batch-"));

function sortedResults(name: string, workers: string): string[] {
  const dir = join(root, name);
  const args = ["sweep", QUICK, "--out", dir, "-q", "--workers", workers];
  const grid = ["--sweep", "agents.count=1,3,5", "--set", "replicates=40", "--set", "task.items=5"];
  const r = spawnSync(process.execPath, [BIN, ...args, ...grid], { encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  return readFileSync(join(dir, "results.jsonl"), "utf8").split("\n").filter(Boolean).sort();
}

describe("batched pool tasks", () => {
  it("sizes batches so every worker gets many, at most 64 runs each", () => {
    expect(batchSize(12, 2)).toBe(1);
    expect(batchSize(120, 2)).toBe(3);
    expect(batchSize(100_000, 2)).toBe(64);
  });

  it("gives the same sorted results with batches of several runs as in one thread", () => {
    // 120 runs on 2 workers: batches of 3, and the last batch is short.
    expect(batchSize(120, 2)).toBeGreaterThan(1);
    const one = sortedResults("w1", "1");
    expect(one).toHaveLength(120);
    expect(sortedResults("w2", "2")).toEqual(one);
  });
});
