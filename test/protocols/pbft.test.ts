import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MemoryTrace } from "../../src/core/Trace.js";
import { runReplicate } from "../../src/experiment/runReplicate.js";
import { runScenario } from "../../src/experiment/runScenario.js";
import { loadScenario } from "../../src/scenario/loadScenario.js";
import { scenarioOf } from "../helpers.js";

const ITEMS = 20;

function run(
  faults: Record<string, unknown>[],
  options: {
    count?: number;
    team?: Record<string, unknown>;
    replicates?: number;
    seed?: number;
    extra?: Record<string, unknown>;
  } = {},
) {
  return runScenario(
    scenarioOf({
      seed: options.seed ?? 5,
      replicates: options.replicates ?? 10,
      horizon_s: 1200,
      agents: { model: "gpt-4o", count: options.count ?? 4 },
      team: { protocol: "pbft", ...options.team },
      task: { kind: "questions", items: ITEMS, difficulty: { kind: "fixed", p: 0.7 } },
      faults,
      ...options.extra,
    }),
  ).report;
}

// Where a test says "no view change", the view timer is longer than any call:
// gpt-4o's output tokens have a lognormal tail (about one call in 2,000 is
// longer than the default 30 s), and a primary that slow rightly loses its view.
const PATIENT = { view_timeout_s: 300 };

const BEHAVIOURS = ["silent", "always-wrong", "equivocating", "delaying"] as const;

describe("pbft without faults", () => {
  it("decides every item once per replica with n^2-order messages and no view change", () => {
    const r = run([], { replicates: 20, team: PATIENT });
    const s = r.summary;
    expect(s.violations).toBe(0);
    expect(s.decided.mean).toBe(1);
    expect(s.leader_changes.mean).toBe(0);
    // Per item: 3 pre-prepares, 3 x 3 prepares, 4 x 3 commits.
    expect(s.messages.mean).toBe(24 * ITEMS);
    // The primary answers alone: accuracy is one agent's, 0.7 (4 standard errors).
    expect(Math.abs(s.accuracy.mean - 0.7)).toBeLessThan(4 * Math.sqrt((0.7 * 0.3) / (ITEMS * 20)));
    expect(r.end_reasons).toEqual({ quiescent: 20 });
  });

  it("is deterministic: the same seed gives a byte-identical report", () => {
    const faults = [{ byzantine: ["agent-0"], behaviour: "equivocating" }];
    const a = JSON.stringify(run(faults, { replicates: 5 }));
    const b = JSON.stringify(run(faults, { replicates: 5 }));
    expect(a).toBe(b);
    expect(JSON.stringify(run(faults, { replicates: 5, seed: 6 }))).not.toBe(a);
  });
});

describe("pbft with f = 1 Byzantine agent of n = 4", () => {
  for (const behaviour of BEHAVIOURS) {
    for (const who of ["agent-0", "agent-2"]) {
      it(`${behaviour} ${who === "agent-0" ? "primary" : "replica"}: no violation, every item decided`, () => {
        const r = run([{ byzantine: [who], behaviour }]);
        expect(r.violations).toEqual([]);
        expect(r.summary.violations).toBe(0);
        expect(r.summary.decided.mean).toBe(1);
        expect(r.end_reasons).toEqual({ quiescent: 10 });
      });
    }
  }

  it("a silent primary is replaced by a view change and the items still get decided", () => {
    const s = run([{ byzantine: ["agent-0"], behaviour: "silent" }]).summary;
    expect(s.leader_changes.min).toBeGreaterThanOrEqual(1);
    expect(s.decided.mean).toBe(1);
    // Item 0 waits out the 30 s view timer.
    expect(s.makespan_s.min).toBeGreaterThan(30);
  });

  it("an equivocating primary is replaced too (no answer gathers a prepare quorum)", () => {
    const s = run([{ byzantine: ["agent-0"], behaviour: "equivocating" }]).summary;
    expect(s.leader_changes.min).toBeGreaterThanOrEqual(1);
    expect(s.violations).toBe(0);
  });

  it("an always-wrong primary keeps agreement but every decision is wrong", () => {
    const s = run([{ byzantine: ["agent-0"], behaviour: "always-wrong" }], {
      team: PATIENT,
    }).summary;
    expect(s.violations).toBe(0);
    expect(s.decided.mean).toBe(1);
    expect(s.accuracy.mean).toBe(0);
    expect(s.leader_changes.mean).toBe(0);
  });
});

describe("pbft beyond the 3f+1 bound (n = 3, one Byzantine agent)", () => {
  it("with the default f = floor(2/3) = 0, an equivocating primary splits the correct agents", () => {
    const { report: r, runs } = runScenario(
      scenarioOf({
        seed: 5,
        replicates: 10,
        agents: { model: "gpt-4o", count: 3 },
        team: { protocol: "pbft", ...PATIENT },
        task: { kind: "questions", items: ITEMS, difficulty: { kind: "fixed", p: 0.7 } },
        faults: [{ byzantine: ["agent-0"], behaviour: "equivocating" }],
      }),
      { keepRuns: true },
    );
    // Every replicate fails agreement, validity (the forged answer was never
    // proposed) and log matching.
    for (const run of runs) expect(run.violations).toBe(3);
    expect(r.violations.filter((v) => v.replicate === 0).map((v) => v.check)).toEqual([
      "agreement",
      "validity",
      "log_matching",
    ]);
    expect(r.summary.decided.mean).toBe(1);
    expect(r.summary.leader_changes.mean).toBe(0);
  });

  it("refuses f = 1 with 3 agents: n >= 3f+1 (exit 2 at team.f)", () => {
    expect(() =>
      run([{ byzantine: ["agent-0"], behaviour: "equivocating" }], { count: 3, team: { f: 1 } }),
    ).toThrow(
      /team\.f: expected at most floor\(\(n-1\)\/3\) = 0 Byzantine faults for n = 3 agents/,
    );
    expect(() => run([], { count: 4, team: { f: 5 } })).toThrow(
      /team\.f: expected at most floor\(\(n-1\)\/3\) = 1/,
    );
  });
});

describe("pbft at every n from 4 to 10", () => {
  // Quorums of 2f+1 are disjoint-able once n > 3f+1 (n = 6: two halves of 3 each
  // committed their own answers); ceil((n+f+1)/2) always meet in a correct replica.
  for (let n = 4; n <= 10; n++) {
    it(`n = ${n}: safe and live across a partition into halves, with and without an equivocating primary`, () => {
      const names = Array.from({ length: n }, (_, i) => `agent-${i}`);
      const halves = {
        at_s: 10,
        partition: [names.slice(0, n >> 1), names.slice(n >> 1)],
        heal_at_s: 600,
      };
      const plain = run([halves], { count: n, replicates: 3 });
      expect(plain.summary.violations).toBe(0);
      expect(plain.summary.decided.mean).toBe(1);
      const byzantine = run([halves, { byzantine: ["agent-0"], behaviour: "equivocating" }], {
        count: n,
        replicates: 3,
      });
      expect(byzantine.summary.violations).toBe(0);
    });
  }
});

describe("pbft under crashes, partitions and loss (n = 4, f = 1)", () => {
  it("tolerates the crash of one replica", () => {
    const r = run([{ at_s: 20, crash: ["agent-3"] }], { team: PATIENT });
    expect(r.summary.violations).toBe(0);
    expect(r.summary.decided.mean).toBe(1);
    expect(r.summary.leader_changes.mean).toBe(0);
  });

  it("replaces a crashed primary", () => {
    const s = run([{ at_s: 20, crash: ["agent-0"] }]).summary;
    expect(s.violations).toBe(0);
    expect(s.decided.mean).toBe(1);
    expect(s.leader_changes.min).toBeGreaterThanOrEqual(1);
  });

  it("stops deciding without a quorum (two of four crashed) and does not hang", () => {
    const r = run([{ at_s: 20, crash: ["agent-2", "agent-3"] }], { replicates: 3 });
    expect(r.summary.violations).toBe(0);
    expect(r.summary.decided.mean).toBeGreaterThan(0);
    expect(r.summary.decided.mean).toBeLessThan(1);
    expect(r.end_reasons).toEqual({ horizon: 3 });
  });

  it("an isolated replica catches up after the partition heals (the run ends at quiescence)", () => {
    const r = run([
      { at_s: 10, partition: [["agent-3"], ["agent-0", "agent-1", "agent-2"]], heal_at_s: 60 },
    ]);
    expect(r.summary.violations).toBe(0);
    expect(r.summary.decided.mean).toBe(1);
    expect(r.summary.messages_dropped.mean).toBeGreaterThan(0);
    // Timers stop only once every correct live replica has executed every item.
    expect(r.end_reasons).toEqual({ quiescent: 10 });
  });

  it("survives 10% message loss", () => {
    const r = run([], { extra: { network: { loss: 0.1 } } });
    expect(r.summary.violations).toBe(0);
    expect(r.summary.decided.mean).toBe(1);
    expect(r.end_reasons).toEqual({ quiescent: 10 });
  });
});

describe("pbft: a crashed replica rejoins after its recovery", () => {
  it("the primary, down from 5 s to 12 s, pre-prepares again where it stopped and every item is decided", () => {
    const loaded = scenarioOf({
      seed: 5,
      replicates: 5,
      horizon_s: 1200,
      agents: { model: "gpt-4o", count: 4 },
      team: { protocol: "pbft" },
      task: { kind: "questions", items: ITEMS, difficulty: { kind: "fixed", p: 0.7 } },
      faults: [
        { at_s: 5, crash: ["agent-0"] },
        { at_s: 12, recover: ["agent-0"] },
      ],
    });
    const profile = loaded.profiles.get("gpt-4o");
    if (profile === undefined) throw new Error("no profile");
    for (let r = 0; r < 5; r++) {
      const trace = new MemoryTrace();
      const { result } = runReplicate(loaded.scenario, profile, r, { trace, noBaseline: true });
      const calls = trace.events.filter((e) => e.type === "call_start" && e.agent === "agent-0");
      // It was calling when it crashed, and calls again (as primary of view 0) once back:
      // the others' 30 s view timers never fire, so nobody else ever calls.
      expect(calls.some((e) => e.t < 5)).toBe(true);
      expect(calls.some((e) => e.t >= 12)).toBe(true);
      const others = trace.events.filter((e) => e.type === "call_start" && e.agent !== "agent-0");
      expect(others).toEqual([]);
      expect(result.decided).toBe(1);
      expect(result.leader_changes).toBe(0);
      expect(result.end_reason).toBe("quiescent");
    }
  });
});

describe("scenarios/pbft-byzantine.yaml", () => {
  const file = join(import.meta.dirname, "../../scenarios/pbft-byzantine.yaml");

  it("n = 4: 100 replicates without a violation, at least 95% decided", () => {
    const s = runScenario(loadScenario(file)).report.summary;
    expect(s.violations).toBe(0);
    expect(s.decided.mean).toBeGreaterThanOrEqual(0.95);
    expect(s.leader_changes.mean).toBeGreaterThanOrEqual(1);
  });

  it("n = 3: the same fault breaks agreement", () => {
    const r = runScenario(loadScenario(file, { sets: ["agents.count=3", "replicates=20"] })).report;
    expect(r.violations.some((v) => v.check === "agreement")).toBe(true);
    expect(r.summary.violations).toBeGreaterThanOrEqual(20);
  });
});
