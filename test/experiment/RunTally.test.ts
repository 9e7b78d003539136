import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { digestReplicate } from "../../src/experiment/digestReplicate.js";
import { RunTally } from "../../src/experiment/RunTally.js";
import { runScenario } from "../../src/experiment/runScenario.js";
import { loadScenario } from "../../src/scenario/loadScenario.js";

// The tally behind `run --workers N`: digests arrive in whatever order the
// workers finish, and the report must be that of one thread.
const ROOT = join(import.meta.dirname, "../..");
// PBFT with a Byzantine member among three: violations in every replicate, so the
// 20 listed (of 3 per replicate) depend on the order replicates are added.
const loaded = loadScenario(join(ROOT, "scenarios/pbft-byzantine.yaml"), {
  sets: ["agents.count=3", "task.items=4", "replicates=12"],
});
const { scenario, profiles } = loaded;
const digests = Array.from({ length: 12 }, (_, r) => digestReplicate(scenario, profiles, r));
const oneThread = JSON.stringify(runScenario(loaded).report);

describe("RunTally", () => {
  it("gives runScenario's report byte for byte, whatever order the replicates arrive in", () => {
    expect(JSON.parse(oneThread).summary.violations).toBeGreaterThan(20);
    // In order, reversed, and the order of two workers taking batches of 3 that finish out of turn.
    const orders = [
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
      [11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
      [3, 4, 5, 0, 1, 2, 9, 10, 11, 6, 7, 8],
    ];
    for (const order of orders) {
      const tally = new RunTally(scenario, 12);
      order.forEach((r, k) => {
        tally.put(r, digests[r]);
        expect(tally.received).toBe(k + 1);
      });
      expect(JSON.stringify(tally.report(loaded.input))).toBe(oneThread);
    }
  });

  it("lists the first violations in replicate order, not arrival order", () => {
    const tally = new RunTally(scenario, 12);
    for (const r of [11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]) tally.put(r, digests[r]);
    const listed = tally.report(loaded.input).violations.map((v) => v.replicate);
    expect(listed).toHaveLength(20);
    expect(listed).toEqual([...listed].sort((a, b) => a - b));
    expect(listed[0]).toBe(0);
  });

  it("refuses a replicate twice, one out of range, and a report before every replicate is in", () => {
    const tally = new RunTally(scenario, 12);
    tally.put(1, digests[1]);
    expect(() => tally.put(1, digests[1])).toThrow(/put twice or out of range/);
    expect(() => tally.put(12, digests[0])).toThrow(/out of range/);
    expect(() => tally.report(loaded.input)).toThrow(/has only 0/);
    tally.put(0, digests[0]);
    expect(() => tally.put(0, digests[0])).toThrow(/put twice/);
  });

  it("numbers a one-replicate tally from its replicate (--replicate r)", () => {
    const tally = new RunTally(scenario, 1, 5);
    tally.put(5, digests[5]);
    const report = tally.report(loaded.input, 5);
    expect(JSON.stringify(report)).toBe(JSON.stringify(runScenario(loaded, { only: 5 }).report));
    expect(report.violations.every((v) => v.replicate === 5)).toBe(true);
  });
});
