import { describe, expect, it } from "vitest";
import { MemoryTrace } from "../../src/core/Trace.js";
import { runScenario } from "../../src/experiment/runScenario.js";
import { scenarioOf } from "../helpers.js";

const doc = {
  name: "det",
  seed: 5,
  replicates: 20,
  agents: { model: "gpt-4o", count: 3 },
  team: { protocol: "independent" },
  task: { kind: "questions", items: 30, difficulty: { kind: "beta", a: 3, b: 2 } },
  network: { latency: { dist: "lognormal", median_s: 0.05, sigma: 0.5 }, loss: 0.05 },
  faults: [{ at_s: 20, crash: ["agent-2"] }],
};

function runJson(sets: string[] = []): { json: string; trace: MemoryTrace } {
  const trace = new MemoryTrace();
  const { report } = runScenario(scenarioOf(doc, sets), { trace });
  return { json: JSON.stringify(report), trace };
}

describe("runScenario determinism", () => {
  it("same scenario and seed: byte-identical report and trace", () => {
    const a = runJson();
    const b = runJson();
    expect(a.json).toBe(b.json);
    expect(JSON.stringify(a.trace.events)).toBe(JSON.stringify(b.trace.events));
    expect(a.trace.events.length).toBeGreaterThan(100);
  });

  it("a different seed changes the output", () => {
    expect(runJson(["seed=6"]).json).not.toBe(runJson().json);
  });

  it("adding an agent leaves the other agents' draws unchanged", () => {
    // Without faults or loss so that every agent answers every item.
    const calls = (count: number) => {
      const trace = new MemoryTrace();
      runScenario(
        scenarioOf({
          ...doc,
          faults: [],
          network: {},
          replicates: 1,
          agents: { model: "gpt-4o", count },
        }),
        { trace },
      );
      return trace.events
        .filter(
          (e) =>
            e.type === "call_end" && ["agent-0", "agent-1", "agent-2"].includes(e.agent as string),
        )
        .map((e) => [e.agent, e.label, e.t, e.answer, e.output_tokens, e.latency_s, e.attempts]);
    };
    const three = calls(3);
    const four = calls(4);
    expect(three.length).toBe(3 * 30);
    expect(four).toEqual(three);
  });

  it("the trace holds the run's structured events", () => {
    const types = new Set(runJson().trace.events.map((e) => e.type));
    for (const t of [
      "run_start",
      "call_start",
      "call_end",
      "send",
      "deliver",
      "drop",
      "crash",
      "decide",
      "run_end",
    ])
      expect(types).toContain(t);
  });

  it("reports the end reason: horizon and max_events cut runs off", () => {
    const h = runScenario(scenarioOf({ ...doc, horizon_s: 5, replicates: 3 })).report;
    expect(h.end_reasons).toEqual({ horizon: 3 });
    expect(h.summary.decided.mean).toBeLessThan(1);
    expect(h.summary.makespan_s.mean).toBe(5);
    const m = runScenario(scenarioOf({ ...doc, max_events: 50, replicates: 2 })).report;
    expect(m.end_reasons).toEqual({ max_events: 2 });
    expect(m.summary.events.mean).toBe(50);
  });

  it("the summary follows the output contract", () => {
    const r = runScenario(scenarioOf(doc)).report;
    expect(r).toMatchObject({ scenario: "det", seed: 5, replicates: 20 });
    const s = r.summary;
    for (const v of [
      s.accuracy.mean,
      s.makespan_s.mean,
      s.makespan_s.p50,
      s.makespan_s.p95,
      s.cost_usd.mean,
      s.tokens.mean,
      s.messages.mean,
      s.violations,
    ]) {
      expect(typeof v).toBe("number");
      expect(Number.isFinite(v)).toBe(true);
    }
    expect(s.accuracy.ci95?.[0]).toBeLessThanOrEqual(s.accuracy.mean);
    expect(s.accuracy.ci95?.[1]).toBeGreaterThanOrEqual(s.accuracy.mean);
  });
});
