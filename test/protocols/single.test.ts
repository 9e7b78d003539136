import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/experiment/runScenario.js";
import { callsAfter, scenarioOf, tracedReplicate } from "../helpers.js";

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

  for (const task of [
    { kind: "questions", items: 50, difficulty: { kind: "fixed", p: 0.7 } },
    { kind: "workgraph", subtasks: 20, parallel_fraction: 0.5 },
  ]) {
    it(`${task.kind}: recovered, agent-0 resumes at the first item it has not decided and decides everything`, () => {
      const loaded = scenarioOf({
        seed: 2,
        agents: { model: "gpt-4o", count: 1 },
        task,
        faults: [
          { at_s: 30, crash: ["agent-0"] },
          { at_s: 60, recover: ["agent-0"] },
        ],
      });
      const { result, events } = tracedReplicate(loaded);
      expect(callsAfter(events, "agent-0", 60).length).toBeGreaterThan(0);
      expect(result.decided).toBe(1);
      expect(result.violations).toBe(0);
      // Nothing is decided twice: the decisions before the crash were durable.
      expect(events.filter((e) => e.type === "call_start").length).toBeLessThan(
        task.kind === "questions" ? 52 : 60,
      );
    });
  }
});

describe("single on a work graph", () => {
  const task = {
    kind: "workgraph",
    subtasks: 20,
    parallel_fraction: 0.5,
    difficulty: { kind: "fixed", p: 0.8 },
  };

  it("does every subtask in order and redoes what the tests catch (geometric attempts)", () => {
    const r = runScenario(
      scenarioOf({ seed: 4, replicates: 200, agents: { model: "gpt-4o", count: 1 }, task }),
    ).report;
    expect(r.summary.accuracy.mean).toBe(1);
    expect(r.summary.decided.mean).toBe(1);
    expect(r.summary.speedup.mean).toBe(1);
    // Redos per subtask are geometric: mean (1-q)/q, variance (1-q)/q^2, q = 0.8.
    const q = 0.8;
    const perRun = (20 * (1 - q)) / q;
    const se = Math.sqrt((20 * (1 - q)) / (q * q) / 200);
    expect(Math.abs(r.summary.rework.mean - perRun)).toBeLessThan(4 * se);
    expect(r.summary.calls.mean).toBeCloseTo(20 + r.summary.rework.mean, 9);
    expect(r.summary.messages.mean).toBe(0);
  });

  it("with no tests, wrong outputs are accepted: accuracy is the per-subtask success rate", () => {
    const r = runScenario(
      scenarioOf({
        seed: 4,
        replicates: 200,
        agents: { model: "gpt-4o", count: 1 },
        task: { ...task, test_coverage: 0 },
      }),
    ).report;
    expect(Math.abs(r.summary.accuracy.mean - 0.8)).toBeLessThan(
      4 * Math.sqrt((0.8 * 0.2) / (20 * 200)),
    );
    expect(r.summary.rework.mean).toBe(0);
  });

  it("the makespan is the sum of the subtasks' call latencies", () => {
    const r = runScenario(
      scenarioOf({ seed: 4, replicates: 20, agents: { model: "gpt-4o", count: 1 }, task }),
    ).report;
    // Calls are back to back, so the agent is never idle.
    expect(r.summary.idle_fraction.max).toBeLessThan(1e-9);
  });
});
