import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/experiment/runScenario.js";
import { PROTOCOLS } from "../../src/protocols/registry.js";
import { scenarioOf } from "../helpers.js";

// Brent's bound (Brent 1974; Blumofe & Leiserson 1999): T_n >= max(work/n, span),
// so no structure's mean speedup over one agent can exceed min(n, work/span).
// Each point's mean speedup must lie below the bound's mean plus the speedup's
// own 95% CI half-width (sampling noise), for every work-graph protocol.
const structures = PROTOCOLS.filter(
  (p) => p.tasks.includes("workgraph") && p.name !== "single",
).map((p) => p.name);

describe("work-span bound", () => {
  for (const protocol of structures) {
    for (const p of [0.9, 0.5]) {
      it(`${protocol}, parallel fraction ${p}: mean speedup <= min(n, work/span) for n = 2, 4, 8`, () => {
        for (const n of [2, 4, 8]) {
          const r = runScenario(
            scenarioOf({
              seed: 3,
              replicates: 20,
              agents: { model: "gpt-4o", count: n },
              team: { protocol },
              task: {
                kind: "workgraph",
                subtasks: 20,
                parallel_fraction: p,
                difficulty: { kind: "fixed", p: 0.9 },
              },
            }),
          ).report;
          const s = r.summary.speedup;
          const half = s.ci95 ? (s.ci95[1] - s.ci95[0]) / 2 : 0;
          expect(s.mean, `${protocol} n=${n}`).toBeLessThanOrEqual(
            r.summary.speedup_bound.mean + half,
          );
          expect(r.summary.decided.mean, `${protocol} n=${n} decides everything`).toBe(1);
        }
      });
    }
  }
});
