import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/experiment/runScenario.js";
import { majority } from "../../src/runtime/aggregate.js";
import { binomialMajority, callsAfter, scenarioOf, tracedReplicate } from "../helpers.js";

const ITEMS = 200;

function accuracy(
  count: number,
  difficulty: Record<string, unknown>,
  extra: Record<string, unknown> = {},
  replicates = 100,
) {
  const loaded = scenarioOf({
    seed: 11,
    replicates,
    agents: { model: "gpt-4o", count },
    team: { protocol: "independent", aggregate: "majority" },
    task: { kind: "questions", items: ITEMS, difficulty },
    ...extra,
  });
  return runScenario(loaded).report;
}

// Items are independent Bernoulli trials given p, so the pooled accuracy over
// replicates has standard error sqrt(q(1-q)/(items*replicates)); 4 se bounds.
function expectNear(observed: number, q: number, trials: number) {
  expect(Math.abs(observed - q)).toBeLessThan(4 * Math.sqrt((q * (1 - q)) / trials));
}

describe("independent voting", () => {
  it("majority of 1 agent at p = 0.7 has accuracy 0.700", () => {
    const r = accuracy(1, { kind: "fixed", p: 0.7 });
    expectNear(r.summary.accuracy.mean, 0.7, ITEMS * 100);
    expect(r.summary.decided.mean).toBe(1);
  });

  it("majority of 9 agents at p = 0.7 has accuracy 0.901 (binomial tail)", () => {
    const q = binomialMajority(9, 0.7);
    expect(q).toBeCloseTo(0.901, 3);
    const r = accuracy(9, { kind: "fixed", p: 0.7 });
    expectNear(r.summary.accuracy.mean, q, ITEMS * 100);
    expect(r.summary.messages.mean).toBe(9 * ITEMS);
    expect(r.summary.calls.mean).toBe(9 * ITEMS);
  });

  it("majority over a two-level mixture matches the mixture of binomial tails", () => {
    const r = accuracy(5, { kind: "mixture", easy_fraction: 0.6, p_easy: 0.85, p_hard: 0.3 });
    const q = 0.6 * binomialMajority(5, 0.85) + 0.4 * binomialMajority(5, 0.3);
    // Mixture membership adds variance across items: per-item Bernoulli(q) still holds marginally.
    expectNear(r.summary.accuracy.mean, q, ITEMS * 100);
  });

  it("plurality beats majority when wrong answers split over many choices", () => {
    const base = { kind: "fixed", p: 0.4 };
    const maj = accuracy(
      7,
      base,
      { task: { kind: "questions", items: ITEMS, choices: 10, difficulty: base } },
      30,
    );
    const plu = accuracy(
      7,
      base,
      {
        team: { protocol: "independent", aggregate: "plurality" },
        task: { kind: "questions", items: ITEMS, choices: 10, difficulty: base },
      },
      30,
    );
    expect(plu.summary.accuracy.mean).toBeGreaterThan(maj.summary.accuracy.mean + 0.1);
  });

  it("a crashed agent stops voting and the rest still decide every item", () => {
    const r = accuracy(
      5,
      { kind: "fixed", p: 0.7 },
      { faults: [{ at_s: 100, crash: ["agent-1", "agent-2"] }] },
      10,
    );
    expect(r.summary.decided.mean).toBe(1);
    expect(r.summary.crashes.mean).toBe(2);
    expect(r.summary.calls.mean).toBeLessThan(5 * ITEMS);
  });

  it("votes cut off by a partition leave items undecided (and the run ends, not hangs)", () => {
    const r = accuracy(
      3,
      { kind: "fixed", p: 0.7 },
      { faults: [{ at_s: 50, partition: [["agent-0"], ["agent-1", "agent-2", "coordinator"]] }] },
      5,
    );
    expect(r.summary.decided.mean).toBeLessThan(1);
    expect(r.summary.messages_dropped.mean).toBeGreaterThan(0);
    // Quiescent with items undecided: the run ends, and says it stalled.
    expect(r.end_reasons).toEqual({ stalled: 5 });
    expect(r.summary.violations).toBe(0);
  });
});

describe("majority()", () => {
  it("needs strictly more than half of the votes cast", () => {
    expect(majority([3, 2, 0])).toBe(0);
    expect(majority([2, 2, 0])).toBe(-1);
    expect(majority([0, 1, 0])).toBe(1);
    expect(majority([0, 0, 0])).toBe(-1);
  });
});

describe("independent voting when the whole team crashes", () => {
  it("items nobody voted on stay undecided; those with votes are decided", () => {
    const r = runScenario(
      scenarioOf({
        seed: 2,
        replicates: 5,
        agents: { model: "gpt-4o", count: 3 },
        team: { protocol: "independent" },
        task: { kind: "questions", items: 50, difficulty: { kind: "fixed", p: 0.7 } },
        faults: [{ at_s: 30, crash: ["agent-0", "agent-1", "agent-2"] }],
      }),
    ).report;
    // About 30 s / ~3.7 s per call: a handful of items answered, the rest never.
    expect(r.summary.decided.mean).toBeGreaterThan(0.05);
    expect(r.summary.decided.mean).toBeLessThan(0.4);
    expect(r.summary.makespan_s.mean).toBeGreaterThanOrEqual(30);
  });
});

describe("independent: confidence-weighted votes", () => {
  // p = 0.6, n = 5, 4 choices: wrong votes split three ways, so counting alone is weak.
  const items = 200;
  const replicates = 30;
  const trials = items * replicates;
  const weighted = (team: Record<string, unknown>) =>
    runScenario(
      scenarioOf({
        seed: 13,
        replicates,
        agents: { model: "gpt-4o", count: 5 },
        team: { protocol: "independent", ...team },
        task: { kind: "questions", items, choices: 4, difficulty: { kind: "fixed", p: 0.6 } },
      }),
    ).report.summary.accuracy.mean;
  const se = (q: number) => Math.sqrt((q * (1 - q)) / trials);
  const apart = (a: number, b: number) => 4 * Math.sqrt(se(a) ** 2 + se(b) ** 2);

  it("calibrated confidences beat majority and plurality", () => {
    const maj = weighted({ aggregate: "majority" });
    const plu = weighted({ aggregate: "plurality" });
    const w = weighted({ aggregate: "weighted", confidence: { calibration: 1 } });
    expect(Math.abs(maj - binomialMajority(5, 0.6))).toBeLessThan(4 * se(maj));
    expect(w - maj).toBeGreaterThan(apart(w, maj));
    expect(w - plu).toBeGreaterThan(apart(w, plu));
  });

  it("uninformative confidences (calibration 0) lose to plain plurality", () => {
    // Mean confidence 0.5 gives log-odds weights of mean 0: the noise, not the
    // count, picks the winner. Overconfidence makes every weight positive, so the
    // count matters again, but the noise still costs accuracy.
    const plu = weighted({ aggregate: "plurality" });
    const w0 = weighted({ aggregate: "weighted", confidence: { calibration: 0 } });
    const over = weighted({
      aggregate: "weighted",
      confidence: { calibration: 0, overconfidence: 0.3 },
    });
    expect(plu - w0).toBeGreaterThan(apart(plu, w0));
    expect(over - w0).toBeGreaterThan(apart(over, w0));
    expect(plu - over).toBeGreaterThan(apart(plu, over));
  });
});

describe("independent: early stopping", () => {
  const items = 100;
  const replicates = 40;
  const run = (aggregate: string, earlyStop: boolean, p: number) =>
    runScenario(
      scenarioOf({
        seed: 17,
        replicates,
        agents: { model: "gpt-4o", count: 9 },
        team: { protocol: "independent", aggregate, early_stop: earlyStop },
        task: { kind: "questions", items, difficulty: { kind: "fixed", p } },
      }),
    ).report;

  for (const aggregate of ["majority", "plurality"]) {
    it(`${aggregate}: same accuracy, lower cost and makespan at p = 0.9, n = 9`, () => {
      const full = run(aggregate, false, 0.9).summary;
      const early = run(aggregate, true, 0.9).summary;
      const q = full.accuracy.mean;
      const seDiff = Math.sqrt((2 * Math.max(q * (1 - q), 1e-4)) / (items * replicates));
      expect(Math.abs(early.accuracy.mean - q)).toBeLessThan(4 * seDiff);
      expect(early.decided.mean).toBe(1);
      // Disjoint 95% intervals of the mean cost.
      expect((early.cost_usd.ci95 as [number, number])[1]).toBeLessThan(
        (full.cost_usd.ci95 as [number, number])[0],
      );
      expect(early.makespan_s.mean).toBeLessThan(full.makespan_s.mean);
      expect(early.input_tokens.mean).toBeLessThan(full.input_tokens.mean);
      // Stop messages go to the agents whose votes were still outstanding.
      expect(early.messages.mean).toBeGreaterThan(full.messages.mean);
      expect(early.violations).toBe(0);
    });
  }

  it("majority with early stopping still matches the binomial tail at p = 0.6", () => {
    const r = run("majority", true, 0.6).summary;
    expectNear(r.accuracy.mean, binomialMajority(9, 0.6), items * replicates);
  });
});

describe("independent on a work graph: hedged requests", () => {
  const task = {
    kind: "workgraph",
    subtasks: 10,
    parallel_fraction: 0.5,
    difficulty: { kind: "fixed", p: 0.8 },
  };
  const run = (protocol: string, count: number, faults: unknown[] = []) =>
    runScenario(
      scenarioOf({
        seed: 19,
        replicates: 60,
        agents: { model: "gpt-4o", count },
        team: { protocol },
        task,
        faults,
      }),
    ).report;

  it("the first of n agents to finish wins: speedup >= 1 on every replicate, cost < n times single", () => {
    const single = run("single", 4).summary;
    const hedged = run("independent", 4).summary;
    // agent-0 repeats single's run draw for draw, so the winner is never later.
    expect(hedged.speedup.min).toBeGreaterThanOrEqual(1);
    expect(hedged.speedup.mean).toBeGreaterThan(1.05);
    expect(hedged.makespan_s.mean).toBeLessThan(single.makespan_s.mean);
    expect(hedged.decided.mean).toBe(1);
    expect(hedged.accuracy.mean).toBe(1);
    // The losers are stopped when the winner finishes: less than n full runs.
    expect(hedged.cost_usd.mean).toBeLessThan(4 * single.cost_usd.mean);
    expect(hedged.cost_usd.mean).toBeGreaterThan(2 * single.cost_usd.mean);
    expect(hedged.messages.mean).toBe(3);
    expect(hedged.violations).toBe(0);
  });

  it("one agent hedging is single", () => {
    const single = run("single", 1).summary;
    const hedged = run("independent", 1).summary;
    expect(hedged.makespan_s.mean).toBe(single.makespan_s.mean);
    expect(hedged.cost_usd.mean).toBe(single.cost_usd.mean);
  });

  it("a crashed agent drops out of the race; the others still finish", () => {
    const r = run("independent", 3, [{ at_s: 10, crash: ["agent-0", "agent-1"] }]).summary;
    expect(r.decided.mean).toBe(1);
    expect(r.crashes.mean).toBe(2);
    expect(r.violations).toBe(0);
  });
});

describe("stragglers: waiting for all, for a quorum, hedged requests", () => {
  const doc = {
    seed: 3,
    replicates: 30,
    agents: { model: "gpt-4o", count: 5 },
    team: { protocol: "independent", aggregate: "majority" },
    task: { kind: "questions", items: 40, difficulty: { kind: "fixed", p: 0.7 } },
    faults: [
      { straggler: ["agent-3", "agent-4"], slowdown: { dist: "pareto", scale: 2, alpha: 1.2 } },
    ],
  };
  const all = runScenario(scenarioOf(doc)).report;
  const quorum = runScenario(scenarioOf(doc, ["team.quorum=3"])).report;
  const hedged = runScenario(scenarioOf(doc, ["team.hedge_after_s=8"])).report;

  it("a quorum of 3 is much faster and as accurate as a majority of 3", () => {
    expect(quorum.summary.makespan_s.mean).toBeLessThan(all.summary.makespan_s.mean / 3);
    // The first 3 votes come from the fast agents: majority of 3 at p = 0.7.
    const q = binomialMajority(3, 0.7);
    expectNear(quorum.summary.accuracy.mean, q, 40 * 30);
    expect(quorum.summary.cost_usd.mean).toBeLessThan(all.summary.cost_usd.mean);
  });

  it("hedged requests cut the tail without losing votes", () => {
    expect(hedged.summary.makespan_s.mean).toBeLessThan(all.summary.makespan_s.mean / 2);
    expect(hedged.summary.calls.mean).toBeGreaterThan(all.summary.calls.mean);
    expectNear(hedged.summary.accuracy.mean, binomialMajority(5, 0.7), 40 * 30);
  });
});

describe("independent on the runtime: recovery and failure detection", () => {
  const base = {
    seed: 3,
    replicates: 10,
    horizon_s: 3600,
    agents: { model: "gpt-4o", count: 5 },
    task: { kind: "questions", items: 20, difficulty: { kind: "fixed", p: 0.7 } },
  };

  const traced = (doc: Record<string, unknown>) => tracedReplicate(scenarioOf(doc));

  it("a crashed-then-recovered voter rejoins: it votes on the items still open and everything is decided", () => {
    const { result, events } = traced({
      ...base,
      team: { protocol: "independent" },
      faults: [
        { at_s: 5, crash: ["agent-2"] },
        { at_s: 15, recover: ["agent-2"] },
      ],
    });
    const after = events.filter(
      (e) => e.type === "call_start" && e.agent === "agent-2" && e.t > 15,
    );
    expect(after.length).toBeGreaterThan(0);
    // It answers only items that were still open when it came back, not the whole list again.
    expect(after.length).toBeLessThan(20);
    expect(result.decided).toBe(1);
    expect(result.violations).toBe(0);
  });

  it("with a perfect detector, 20% message loss leaves items undecided; with a timeout detector every item is decided", () => {
    const lossy = { ...base, network: { latency: { dist: "fixed", value_s: 0.05 }, loss: 0.2 } };
    const perfect = runScenario(scenarioOf({ ...lossy, team: { protocol: "independent" } })).report;
    expect(perfect.summary.decided.mean).toBeLessThan(1);
    const timeout = runScenario(
      scenarioOf({
        ...lossy,
        team: {
          protocol: "independent",
          failure_detector: { kind: "timeout", heartbeat_s: 1, timeout_s: 5 },
        },
      }),
    ).report;
    expect(timeout.summary.decided.mean).toBe(1);
    expect(timeout.summary.decided.min).toBe(1);
    expect(timeout.end_reasons).toEqual({ quiescent: 10 });
  });

  it("a partition makes the timeout detector suspect the cut-off agents: false suspicions, counted", () => {
    const doc = {
      ...base,
      team: {
        protocol: "independent",
        failure_detector: { kind: "timeout", heartbeat_s: 1, timeout_s: 3 },
      },
      faults: [
        {
          at_s: 2,
          partition: [
            ["coordinator", "agent-0", "agent-1", "agent-2"],
            ["agent-3", "agent-4"],
          ],
          heal_at_s: 60,
        },
      ],
    };
    const { result } = traced(doc);
    // Both cut-off agents are up: each suspicion is false.
    expect(result.suspicions).toBeGreaterThanOrEqual(2);
    expect(result.false_suspicions).toBe(result.suspicions);
    // Healed, they are trusted again and their votes count: everything is decided.
    expect(result.decided).toBe(1);
    // A real crash is suspected too, and that suspicion is true.
    const crashed = traced({ ...doc, faults: [{ at_s: 2, crash: ["agent-4"] }] }).result;
    expect(crashed.suspicions).toBe(1);
    expect(crashed.false_suspicions).toBe(0);
    expect(crashed.decided).toBe(1);
  });
});
