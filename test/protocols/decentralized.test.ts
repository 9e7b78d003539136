import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/experiment/runScenario.js";
import type { MetricSummary } from "../../src/metrics/summarize.js";
import { callsAfter, scenarioOf, tracedReplicate } from "../helpers.js";

const parallel = {
  kind: "workgraph",
  subtasks: 20,
  parallel_fraction: 1,
  difficulty: { kind: "fixed", p: 0.9 },
};
const halfChain = { ...parallel, parallel_fraction: 0.5 };

function run(
  n: number,
  team: Record<string, unknown>,
  extra: Record<string, unknown> = {},
  replicates = 30,
) {
  return runScenario(
    scenarioOf({
      seed: 5,
      replicates,
      agents: { model: "gpt-4o", count: n },
      team: { protocol: "decentralized", ...team },
      task: parallel,
      ...extra,
    }),
    { keepRuns: true },
  );
}

const se = (s: MetricSummary) => s.sd / Math.sqrt(s.n);
/** a's mean exceeds b's by more than three standard errors of the difference. */
function clearlyAbove(a: MetricSummary, b: MetricSummary): boolean {
  return a.mean - b.mean > 3 * Math.hypot(se(a), se(b));
}

describe("decentralized", () => {
  for (const rounds of ["asynchronous", "synchronous"]) {
    it(`${rounds}: conflicts grow with the team (n = 2, 4, 8 on 20 independent subtasks)`, () => {
      const c = [2, 4, 8].map((n) => run(n, { rounds }).report.summary.conflicts);
      expect(clearlyAbove(c[1], c[0]), `n=4 ${c[1].mean} vs n=2 ${c[0].mean}`).toBe(true);
      expect(clearlyAbove(c[2], c[1]), `n=8 ${c[2].mean} vs n=4 ${c[1].mean}`).toBe(true);
    });
  }

  it("every claim and every accepted output is broadcast to all peers: messages = (n-1)(2m + conflicts)", () => {
    const perSubtask: number[] = [];
    for (const n of [2, 4, 8]) {
      const { runs, report } = run(n, {});
      for (const r of runs) expect(r.messages).toBe((n - 1) * (2 * 20 + r.conflicts));
      // Every extra claimant's output is thrown away, on top of the tests' redos.
      for (const r of runs) expect(r.rework).toBeGreaterThanOrEqual(r.conflicts);
      expect(report.summary.decided.mean).toBe(1);
      perSubtask.push(report.summary.messages.mean / 20);
    }
    // Faster than linear in n: n-1 recipients per broadcast times claimants that grow with n.
    expect(perSubtask[1] / perSubtask[0]).toBeGreaterThan(3);
    expect(perSubtask[2] / perSubtask[1]).toBeGreaterThan(7 / 3);
  });

  it("always picking the first claimable subtask collides more than picking among the first few", () => {
    const first = run(4, { rounds: "synchronous", pick: "first" }).report.summary.conflicts;
    const random = run(4, { rounds: "synchronous", pick: "random" }).report.summary.conflicts;
    expect(clearlyAbove(first, random)).toBe(true);
  });

  for (const rounds of ["asynchronous", "synchronous"]) {
    it(`${rounds}: mean speedup stays under the work-span bound`, () => {
      for (const task of [parallel, halfChain]) {
        for (const n of [2, 4, 8]) {
          const s = run(n, { rounds }, { task }, 20).report.summary;
          const half = s.speedup.ci95 ? (s.speedup.ci95[1] - s.speedup.ci95[0]) / 2 : 0;
          expect(s.speedup.mean, `n=${n}`).toBeLessThanOrEqual(s.speedup_bound.mean + half);
          expect(s.decided.mean).toBe(1);
        }
      }
    });
  }

  it("synchronous rounds: a barrier per round, idle agents still look at the board", () => {
    const chain = { ...parallel, parallel_fraction: 0 };
    const { runs } = run(4, { rounds: "synchronous" }, { task: chain }, 20);
    for (const r of runs) {
      // A chain gets at most one subtask further per round.
      expect(r.rounds).toBeGreaterThanOrEqual(20);
      // Work calls are one per claim plus the tests' redos; the rest are looks at
      // the board by agents whose copy shows nothing claimable.
      expect(r.calls).toBeGreaterThan(20 + r.rework);
    }
    // Asynchronous agents wait for a message instead of calling their model.
    for (const r of run(4, {}, { task: chain }, 20).runs) expect(r.calls).toBe(20 + r.rework);
  });

  for (const rounds of ["asynchronous", "synchronous"]) {
    it(`${rounds}: a crashed agent's claims go stale and are taken over; the run ends`, () => {
      const { runs } = run(
        3,
        { rounds, claim_timeout_s: 100 },
        { task: halfChain, faults: [{ at_s: 10, crash: ["agent-1"] }] },
        20,
      );
      for (const r of runs) {
        expect(r.end_reason).toBe("quiescent");
        expect(r.decided).toBe(1);
        expect(r.violations).toBe(0);
      }
      // agent-1 was mid-subtask at 10 s: that subtask waits for its claim to go stale.
      expect(Math.max(...runs.map((r) => r.makespan_s))).toBeGreaterThan(100);
    });
  }

  for (const rounds of ["asynchronous", "synchronous"]) {
    it(`${rounds}: a recovered peer rejoins: it claims and does subtasks again`, () => {
      const loaded = scenarioOf({
        seed: 5,
        replicates: 5,
        agents: { model: "gpt-4o", count: 3 },
        team: { protocol: "decentralized", rounds, claim_timeout_s: 100 },
        task: halfChain,
        faults: [
          { at_s: 10, crash: ["agent-1"] },
          { at_s: 30, recover: ["agent-1"] },
        ],
      });
      for (let r = 0; r < 5; r++) {
        const { result, events } = tracedReplicate(loaded, r);
        // Subtask calls (not idle looks at the board) by agent-1 after it came back.
        const after = callsAfter(events, "agent-1", 30).filter((e) => e.label !== "board");
        expect(after.length, `replicate ${r}`).toBeGreaterThan(0);
        expect(result.decided).toBe(1);
        expect(result.violations).toBe(0);
      }
    });
  }

  it("a team that all crashes stops at quiescence with the rest undecided", () => {
    const { runs } = run(
      2,
      { rounds: "synchronous" },
      { faults: [{ at_s: 10, crash: ["agent-0", "agent-1"] }] },
      5,
    );
    for (const r of runs) {
      expect(r.end_reason).toBe("stalled");
      expect(r.decided).toBeLessThan(1);
    }
  });

  it("lost messages cost duplicate work but every subtask is still done", () => {
    const { report } = run(4, { claim_timeout_s: 60 }, { network: { loss: 0.3 } }, 20);
    expect(report.summary.decided.mean).toBe(1);
    expect(report.end_reasons).toEqual({ quiescent: 20 });
  });
});
