import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/experiment/runScenario.js";
import { scenarioOf } from "../helpers.js";

describe("single", () => {
  it("uses agent-0 only, sends no messages, and answers with the model's accuracy", () => {
    const loaded = scenarioOf({
      seed: 3,
      replicates: 50,
      agents: { model: "gpt-4o", count: 4 },
      team: { protocol: "single" },
      task: {
        kind: "questions",
        items: 200,
        difficulty: { kind: "mixture", easy_fraction: 0.6, p_easy: 0.85, p_hard: 0.3 },
      },
    });
    const r = runScenario(loaded).report;
    const q = 0.6 * 0.85 + 0.4 * 0.3;
    expect(Math.abs(r.summary.accuracy.mean - q)).toBeLessThan(
      4 * Math.sqrt((q * (1 - q)) / (200 * 50)),
    );
    expect(r.summary.calls.mean).toBe(200);
    expect(r.summary.messages.mean).toBe(0);
  });

  it("a higher-skill model is more accurate on the same items", () => {
    const run = (model: string) =>
      runScenario(
        scenarioOf({
          seed: 3,
          replicates: 30,
          agents: { model },
          task: { kind: "questions", items: 200, difficulty: { kind: "fixed", p: 0.5 } },
        }),
      ).report.summary.accuracy.mean;
    expect(run("claude-sonnet-4-6")).toBeGreaterThan(run("gpt-4o") + 0.2);
  });
});

describe("single under a crash", () => {
  it("stops deciding when agent-0 crashes", () => {
    const r = runScenario(
      scenarioOf({
        seed: 2,
        replicates: 5,
        agents: { model: "gpt-4o", count: 1 },
        task: { kind: "questions", items: 50, difficulty: { kind: "fixed", p: 0.7 } },
        faults: [{ at_s: 30, crash: ["agent-0"] }],
      }),
    ).report;
    expect(r.summary.decided.mean).toBeLessThan(0.4);
    expect(r.summary.failed_calls.mean).toBe(1);
  });
});
