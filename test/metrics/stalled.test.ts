import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/experiment/runScenario.js";
import { loadScenario } from "../../src/scenario/loadScenario.js";

const ROOT = join(import.meta.dirname, "../..");

describe("end reason `stalled` and decided_all", () => {
  it("a vote that waits forever for a cut voter ends stalled, not quiescent", () => {
    const cut =
      "faults=[{at_s: 100, partition: [[agent-0], [agent-1, agent-2, agent-3, agent-4, coordinator]]}]";
    const loaded = loadScenario(join(ROOT, "scenarios/quickstart.yaml"), {
      sets: ["replicates=3", cut],
    });
    const { report } = runScenario(loaded);
    expect(report.end_reasons).toEqual({ stalled: 3 });
    expect(report.summary.decided.mean).toBeLessThan(1);
    // One decider per item (the coordinator): decided_all is decided.
    expect(report.summary.decided_all.mean).toBe(report.summary.decided.mean);
    expect(report.summary.liveness).toEqual({
      ok: 0,
      failed: 0,
      not_applicable: 3,
      inconclusive: 0,
    });
  });

  it("a fault-free run that decides everything ends quiescent with decided_all = 1", () => {
    const loaded = loadScenario(join(ROOT, "scenarios/quickstart.yaml"), {
      sets: ["replicates=2"],
    });
    const { report } = runScenario(loaded);
    expect(report.end_reasons).toEqual({ quiescent: 2 });
    expect(report.summary.decided_all.min).toBe(1);
  });
});
