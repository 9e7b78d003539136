import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/experiment/runScenario.js";
import type { MetricSummary } from "../../src/metrics/summarize.js";
import { callsAfter, scenarioOf, tracedReplicate } from "../helpers.js";

const parallel = {
  kind: "workgraph",
  subtasks: 20,
  parallel_fraction: 0.9,
  difficulty: { kind: "fixed", p: 0.9 },
};

function run(
  n: number,
  team: Record<string, unknown>,
  extra: Record<string, unknown> = {},
  replicates = 30,
) {
  return runScenario(
    scenarioOf({
      seed: 7,
      replicates,
      agents: { model: "gpt-4o", count: n },
      team: { protocol: "pipeline", ...team },
      task: parallel,
      ...extra,
    }),
    { keepRuns: true },
  );
}

const se = (s: MetricSummary) => s.sd / Math.sqrt(s.n);
const half = (s: MetricSummary) => (s.ci95 ? (s.ci95[1] - s.ci95[0]) / 2 : 0);

describe("pipeline", () => {
  it("a reviewer catches what the tests miss: accuracy with catch probability 1 beats 0", () => {
    const task = { ...parallel, test_coverage: 0.5, difficulty: { kind: "fixed", p: 0.7 } };
    const never = run(3, { review_catch_probability: 0 }, { task }).report.summary;
    const always = run(3, { review_catch_probability: 1 }, { task }).report.summary;
    expect(always.accuracy.mean).toBe(1);
    // Without review a wrong output survives the tests with 0.3·0.5 / (1 - 0.3·0.5) ≈ 0.18.
    const q = 1 - 0.15 / 0.85;
    expect(Math.abs(never.accuracy.mean - q)).toBeLessThan(
      4 * Math.sqrt((q * (1 - q)) / (20 * 30)),
    );
    expect(always.accuracy.mean - never.accuracy.mean).toBeGreaterThan(
      3 * Math.hypot(se(always.accuracy), se(never.accuracy)),
    );
    // Every send-back is rework on top of the tests' redos.
    expect(always.rework.mean).toBeGreaterThan(never.rework.mean);
  });

  it("a stronger reviewer model catches more: catch = sigmoid(logit(p) + its skill)", () => {
    const task = { ...parallel, test_coverage: 0.5, difficulty: { kind: "fixed", p: 0.7 } };
    const accuracy = (reviewer: string) =>
      run(
        3,
        { review_catch_probability: 0.5 },
        {
          task,
          agents: [
            { model: "gpt-4o", count: 2 },
            { model: reviewer, count: 1, role: "reviewer" },
          ],
        },
        60,
      ).report.summary.accuracy;
    // Catch 0.35 (llama-3-70b, skill -0.6), 0.5 (gpt-4o), 0.88 (claude-sonnet-4-6, skill 2).
    const [weak, ref, strong] = ["llama-3-70b", "gpt-4o", "claude-sonnet-4-6"].map(accuracy);
    expect(strong.mean - 3 * se(strong) - 3 * se(ref)).toBeGreaterThan(ref.mean);
    expect(ref.mean).toBeGreaterThan(weak.mean);
  });

  it("hands each subtask over between stages: messages = (S-1)·m + released dependents", () => {
    const { runs } = run(3, { review_catch_probability: 0 });
    // 18 independent subtasks and a chain of 2: one release.
    for (const r of runs) expect(r.messages).toBe(2 * 20 + 1);
    // One agent holding every stage sends nothing.
    for (const r of run(1, {}, {}, 5).runs) expect(r.messages).toBe(0);
  });

  it("different subtasks are in different stages at once: 3 agents beat 1 agent doing all stages", () => {
    const one = run(1, {}).report.summary.makespan_s;
    const three = run(3, {}).report.summary.makespan_s;
    expect(one.mean - three.mean).toBeGreaterThan(3 * Math.hypot(se(one), se(three)));
  });

  it("with two coders sharing a queue, 3 agents beat single but stay under the work-span bound", () => {
    const s = run(3, { stages: ["coder", "reviewer"] }).report.summary;
    expect(s.speedup.mean - half(s.speedup)).toBeGreaterThan(1);
    expect(s.speedup.mean).toBeLessThanOrEqual(s.speedup_bound.mean + half(s.speedup));
    // With one agent per stage the lone coder is the bottleneck: it does single's
    // work plus the pipeline's fill, so it is no faster than single.
    const d = run(3, {}).report.summary;
    expect(d.speedup.mean).toBeLessThan(1);
    expect(s.speedup.mean - d.speedup.mean).toBeGreaterThan(
      3 * Math.hypot(se(s.speedup), se(d.speedup)),
    );
  });

  it("mean speedup stays under the work-span bound for n = 2, 4, 8", () => {
    for (const n of [2, 4, 8]) {
      const s = run(n, {}, {}, 20).report.summary;
      expect(s.speedup.mean, `n=${n}`).toBeLessThanOrEqual(s.speedup_bound.mean + half(s.speedup));
      expect(s.decided.mean).toBe(1);
    }
  });

  it("a crashed stage agent's stage and work are taken over; the run ends", () => {
    for (const crash of [["agent-1"], ["agent-1", "agent-2"]]) {
      const { runs } = run(3, {}, { faults: [{ at_s: 10, crash }] }, 20);
      for (const r of runs) {
        expect(r.end_reason).toBe("quiescent");
        expect(r.decided).toBe(1);
        expect(r.violations).toBe(0);
      }
    }
    const all = run(
      3,
      {},
      { faults: [{ at_s: 10, crash: ["agent-0", "agent-1", "agent-2"] }] },
      5,
    ).runs;
    for (const r of all) {
      expect(r.end_reason).toBe("stalled");
      expect(r.decided).toBeLessThan(1);
    }
  });

  it("a recovered stage agent rejoins: it takes its stage back and works again", () => {
    // agent-1 is the coder: while it is down agent-2 stands in for it.
    const loaded = scenarioOf({
      seed: 7,
      replicates: 5,
      agents: { model: "gpt-4o", count: 3 },
      team: { protocol: "pipeline" },
      task: parallel,
      faults: [
        { at_s: 10, crash: ["agent-1"] },
        { at_s: 30, recover: ["agent-1"] },
      ],
    });
    for (let r = 0; r < 5; r++) {
      const { result, events } = tracedReplicate(loaded, r);
      expect(callsAfter(events, "agent-1", 30).length, `replicate ${r}`).toBeGreaterThan(0);
      expect(result.decided).toBe(1);
      expect(result.violations).toBe(0);
    }
  });

  it("lost hand-offs are sent again", () => {
    const { runs } = run(4, {}, { network: { loss: 0.3 } }, 20);
    for (const r of runs) {
      expect(r.decided).toBe(1);
      expect(r.messages).toBeGreaterThan(41);
    }
  });

  it("rejects a pipeline with no coder or a reviewer before the coder", () => {
    expect(() => run(3, { stages: ["planner", "reviewer"] }, {}, 1)).toThrow();
    expect(() => run(3, { stages: ["reviewer", "coder"] }, {}, 1)).toThrow();
  });
});
