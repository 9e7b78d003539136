import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/experiment/runScenario.js";
import { loadScenario } from "../../src/scenario/loadScenario.js";

const FILE = join(import.meta.dirname, "../../scenarios/mixture-of-agents.yaml");
const run = (sets: string[] = []) =>
  runScenario(loadScenario(FILE, { sets: ["replicates=10", ...sets] })).report;

describe("mixture-of-agents", () => {
  it("decides every item through the aggregator, with no violation, and ends quiescent", () => {
    const r = run();
    expect(r.summary.decided.min).toBe(1);
    expect(r.summary.violations).toBe(0);
    expect(r.end_reasons).toEqual({ quiescent: 10 });
    // 3 proposers × 2 layers + the aggregator per item.
    expect(r.summary.calls.mean).toBeGreaterThanOrEqual(7 * 50);
  });

  it("a later layer reads the earlier one: its prompts grow, so input tokens grow with layers", () => {
    const one = run(["team.layers=1"]).summary;
    const two = run(["team.layers=2"]).summary;
    expect(two.input_tokens.mean).toBeGreaterThan(one.input_tokens.mean * 1.5);
  });

  it("with conformity 1 the aggregator's answer is the proposers' plurality; with 0 its own", () => {
    const own = run(["team.conformity=0", "team.layers=1"]).summary.accuracy.mean;
    const aggregatorAlone = runScenario(
      loadScenario(FILE, {
        sets: [
          "replicates=10",
          "agents=[{model: claude-sonnet-4-6, count: 1}]",
          "team={protocol: single}",
        ],
      }),
    ).report.summary.accuracy.mean;
    // Conformity 0: the aggregator ignores what it read, so it is as accurate as alone
    // (the same model, though not the same draws).
    expect(Math.abs(own - aggregatorAlone)).toBeLessThan(0.05);
    const herd = run(["team.conformity=1", "team.layers=1"]).summary.accuracy.mean;
    expect(herd).toBeLessThan(own);
  });

  it("a proposer that crashes is not waited for", () => {
    const r = run(["faults=[{at_s: 30, crash: [agent-1]}]"]);
    expect(r.summary.decided.min).toBe(1);
    expect(r.end_reasons).toEqual({ quiescent: 10 });
  });

  it("needs an aggregator and proposers, in that order", () => {
    expect(() => run(["agents=[{model: gpt-4o, count: 1}]"])).toThrow(/at least 2/);
    expect(() =>
      run(["agents=[{model: gpt-4o, count: 1, role: aggregator}, {model: gpt-4o, count: 2}]"]),
    ).toThrow(/agents\.0\.role/);
  });
});
