import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MockLLM } from "../../src/agents/MockLLM.js";
import { sampleQuantile } from "../../src/analytic/sampleQuantile.js";
import { Rng } from "../../src/core/Rng.js";
import { Simulation } from "../../src/core/Simulation.js";
import { NO_TRACE } from "../../src/core/Trace.js";
import { loadModelProfiles } from "../../src/scenario/loadModelProfiles.js";
import { readPaperData } from "../../src/scenario/readPaperData.js";

// Done when: the shipped profiles of the paper's two models, recalibrated by
// `teamsim calibrate` on data/paper-llm-teams, reproduce the data's per-call
// latency quantiles p10, p50 and p90 within 15%, simulated through MockLLM.
const DATA = join(import.meta.dirname, "../../data/paper-llm-teams");
const CALLS = 40_000;

function simulatedLatencies(model: string): Float64Array {
  const profile = loadModelProfiles().get(model);
  if (profile === undefined) throw new Error(`no profile ${model}`);
  const sim = new Simulation();
  const agent = new MockLLM("agent-0", 0, profile, sim, new Rng(2026), NO_TRACE);
  const out = new Float64Array(CALLS);
  for (let i = 0; i < CALLS; i++) {
    agent.call({ inputTokens: 5000 }, (r) => {
      out[i] = r.latencyS;
    });
  }
  sim.run();
  return out.sort();
}

describe("the calibrated profiles of the paper's models", () => {
  const data = readPaperData(DATA);
  const modelOf = new Map(data.runs.map((r) => [r.run_id, r.model]));
  it.each([{ model: "claude-sonnet-4-6" }, { model: "gemini-3-flash" }])(
    "$model reproduces the per-call latency p10, p50 and p90 within 15 percent",
    ({ model }) => {
      const observed = Float64Array.from(
        data.calls.filter((c) => modelOf.get(c.run_id) === model).map((c) => c.latency_s),
      ).sort();
      const simulated = simulatedLatencies(model);
      for (const p of [0.1, 0.5, 0.9]) {
        const want = sampleQuantile(observed, p);
        const got = sampleQuantile(simulated, p);
        expect(
          Math.abs(got / want - 1),
          `p${p * 100}: simulated ${got} vs data ${want}`,
        ).toBeLessThan(0.15);
      }
    },
  );
});
