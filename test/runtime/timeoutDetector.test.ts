import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/experiment/runScenario.js";
import { PROTOCOLS } from "../../src/protocols/registry.js";
import { loadScenario } from "../../src/scenario/loadScenario.js";

const ROOT = join(import.meta.dirname, "../..");

// With a timeout failure detector, coordinators and leaders re-request what is
// missing (and `sendReliably` resends until acknowledged), so message loss
// delays an item instead of leaving it undecided forever: every protocol's
// example scenario, fault-free but with 10% loss, decides every item.
describe("every protocol under a timeout failure detector and 10% message loss", () => {
  for (const p of PROTOCOLS) {
    it(`${p.name} (${p.example}) decides everything, violates nothing, ends quiescent`, () => {
      const loaded = loadScenario(join(ROOT, p.example), {
        sets: [
          "replicates=2",
          "faults=[]",
          "network.loss=0.1",
          "horizon_s=20000",
          "team.failure_detector={kind: timeout, heartbeat_s: 1, timeout_s: 5}",
        ],
      });
      const { report } = runScenario(loaded);
      expect(report.summary.decided.min).toBe(1);
      expect(report.summary.violations).toBe(0);
      expect(report.end_reasons).toEqual({ quiescent: 2 });
    });
  }
});
