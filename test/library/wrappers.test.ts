import { describe, expect, it } from "vitest";
import { amdahl } from "../../src/analytic/amdahl.js";
import { MemoryTrace } from "../../src/core/Trace.js";
import { lawCurve } from "../../src/experiment/lawCurve.js";
import { runScenario } from "../../src/experiment/runScenario.js";
import { traceReplicate } from "../../src/experiment/traceReplicate.js";
import { scenarioFromObject } from "../../src/scenario/scenarioFromObject.js";
import { inputErrorOf } from "../helpers.js";

describe("lawCurve", () => {
  it("evaluates the law at each team size with its validated parameters", () => {
    const curve = lawCurve("amdahl", { p: 0.9 }, [1, 2, 8]);
    expect(curve.law).toBe(amdahl);
    expect(curve.points).toEqual([1, 2, 8].map((n) => ({ n, value: amdahl.value(n, { p: 0.9 }) })));
    expect(curve.points[2].value).toBeCloseTo(1 / (0.1 + 0.9 / 8), 12);
  });

  it("defaults to team sizes 1..16, and gives null where the law is undefined", () => {
    expect(lawCurve("amdahl", { p: 0.5 }).points.map((p) => p.n)).toEqual(
      Array.from({ length: 16 }, (_, i) => i + 1),
    );
    const wait = lawCurve("quorum-wait", { k: 3, dist: "exponential", mean: 1 }, [2, 3]);
    expect(wait.points[0].value).toBeNull();
    expect(wait.points[1].value).toBeCloseTo(1 / 3 + 1 / 2 + 1, 12);
  });

  it("names an unknown law, a bad parameter and a bad team size", () => {
    const unknown = inputErrorOf(() => lawCurve("amdhal"));
    expect(unknown.found).toBe('"amdhal"');
    expect(unknown.expected).toContain("amdahl");
    const bad = inputErrorOf(() => lawCurve("amdahl", { p: 2 }));
    expect(bad.message).toBe("law amdahl: p: expected <= 1, found 2");
    expect(inputErrorOf(() => lawCurve("amdahl", { p: 0.5, q: 1 })).message).toBe(
      'law amdahl: q: expected a parameter of amdahl (p), found unknown field "q"',
    );
    expect(inputErrorOf(() => lawCurve("amdahl", { p: 0.5 }, [0])).message).toBe(
      "law amdahl: n: expected team sizes that are whole numbers >= 1, found 0",
    );
  });
});

describe("traceReplicate", () => {
  const loaded = scenarioFromObject({
    name: "traced",
    seed: 9,
    replicates: 3,
    agents: { model: "gpt-4o", count: 3 },
    team: { protocol: "independent", aggregate: "majority" },
    task: { kind: "questions", items: 5, difficulty: { kind: "fixed", p: 0.7 } },
  });

  it("keeps the events `run --replicate r --trace` writes, and that replicate's report", () => {
    const got = traceReplicate(loaded, 2);
    const trace = new MemoryTrace();
    const want = runScenario(loaded, { trace, only: 2, keepRuns: true });
    expect(got.events).toEqual(trace.events);
    expect(got.report).toEqual(want.report);
    expect(got.result).toEqual(want.runs[0]);
    expect(got.report.replicate).toBe(2);
    expect(got.events.at(-1)?.type).toBe("run_end");
  });

  it("refuses a replicate the scenario does not have", () => {
    expect(() => traceReplicate(loaded, 3)).toThrow(
      "no replicate 3: the scenario has replicates 0 to 2",
    );
    expect(() => traceReplicate(loaded, -1)).toThrow(RangeError);
  });
});
