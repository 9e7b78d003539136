import { describe, expect, it } from "vitest";
import { MemoryTrace } from "../../src/core/Trace.js";
import { runScenario } from "../../src/experiment/runScenario.js";
import { binomialMajority, scenarioOf } from "../helpers.js";

function run(
  count: number,
  team: Record<string, unknown>,
  {
    items = 100,
    replicates = 20,
    p = 0.7,
    seed = 7,
    faults = [] as unknown[],
    trace = undefined as MemoryTrace | undefined,
  } = {},
) {
  return runScenario(
    scenarioOf({
      seed,
      replicates,
      agents: { model: "gpt-4o", count },
      team,
      task: { kind: "questions", items, difficulty: { kind: "fixed", p } },
      faults,
    }),
    { keepRuns: true, trace },
  );
}

// Pooled accuracy over items*replicates Bernoulli trials: standard error of the mean.
function se(q: number, trials: number): number {
  return Math.sqrt((q * (1 - q)) / trials);
}

describe("debate: messages and rounds", () => {
  for (const n of [3, 5]) {
    it(`n = ${n}: every round sends exactly n(n-1) answers per item, plus n final answers`, () => {
      const items = 20;
      for (const rounds of [1, 2]) {
        const trace = new MemoryTrace();
        const r = run(n, { protocol: "debate", rounds }, { items, replicates: 3, trace }).report;
        expect(r.summary.messages.mean).toBe(items * (rounds * n * (n - 1) + n));
        expect(r.summary.rounds.mean).toBe(items * rounds);
        expect(r.summary.calls.mean).toBe(items * n * (rounds + 1));
        const sends = trace.events.filter((e) => e.type === "send");
        expect(sends.filter((e) => e.kind === "answer").length).toBe(items * rounds * n * (n - 1));
        expect(sends.filter((e) => e.kind === "final").length).toBe(items * n);
        expect(r.summary.decided.mean).toBe(1);
        expect(r.summary.violations).toBe(0);
      }
    });
  }

  it("each round's prompt is the item plus every peer answer read so far", () => {
    const n = 4;
    const trace = new MemoryTrace();
    run(n, { protocol: "debate", rounds: 3 }, { items: 10, replicates: 1, trace });
    // label "k/rR" -> per agent: input tokens at the call's start, output tokens at its end.
    const input = new Map<string, number>();
    const output = new Map<string, number>();
    for (const e of trace.events) {
      if (e.type === "call_start") input.set(`${e.agent} ${e.label}`, e.input_tokens as number);
      if (e.type === "call_end") output.set(`${e.agent} ${e.label}`, e.output_tokens as number);
    }
    for (let k = 0; k < 10; k++) {
      for (let i = 0; i < n; i++) {
        for (let r = 1; r <= 3; r++) {
          const before = input.get(`agent-${i} ${k}/r${r - 1}`) as number;
          const now = input.get(`agent-${i} ${k}/r${r}`) as number;
          let peers = 0;
          for (let j = 0; j < n; j++)
            if (j !== i) peers += output.get(`agent-${j} ${k}/r${r - 1}`) as number;
          // Round r adds the answers the peers wrote in round r-1 to what was there.
          expect(now - before).toBe(peers);
          expect(now).toBeGreaterThan(before);
        }
      }
    }
  });
});

describe("debate: accuracy", () => {
  it("without conformity or sycophancy it is independent majority voting on the first answers", () => {
    const items = 200;
    const replicates = 20;
    const d = run(5, { protocol: "debate", conformity: 0, sycophancy: 0 }, { items, replicates });
    const v = run(5, { protocol: "independent" }, { items, replicates });
    // Same seed, same agent streams: the first answers are the very answers of independent voting.
    expect(d.runs.map((x) => x.accuracy)).toEqual(v.runs.map((x) => x.accuracy));
    const q = binomialMajority(5, 0.7);
    expect(Math.abs(d.report.summary.accuracy.mean - q)).toBeLessThan(
      4 * se(q, items * replicates),
    );
  });

  it("conformity lifts a right majority; sycophancy (deferring to a random peer) undoes it", () => {
    const items = 200;
    const replicates = 20;
    const trials = items * replicates;
    const conform = run(5, { protocol: "debate", conformity: 0.3 }, { items, replicates }).report
      .summary.accuracy.mean;
    const syco = run(
      5,
      { protocol: "debate", conformity: 0.3, sycophancy: 0.8 },
      { items, replicates },
    ).report.summary.accuracy.mean;
    const independent = binomialMajority(5, 0.7);
    const seDiff = Math.sqrt(se(conform, trials) ** 2 + se(syco, trials) ** 2);
    expect(conform - syco).toBeGreaterThan(4 * seDiff);
    expect(conform).toBeGreaterThan(independent + 4 * se(conform, trials));
  });
});

describe("debate under crashes", () => {
  it("peers stop waiting for a crashed agent; every item is still decided", () => {
    const r = run(
      5,
      { protocol: "debate" },
      { items: 30, replicates: 5, faults: [{ at_s: 40, crash: ["agent-1", "agent-3"] }] },
    ).report;
    expect(r.end_reasons).toEqual({ quiescent: 5 });
    expect(r.summary.crashes.mean).toBe(2);
    expect(r.summary.decided.mean).toBe(1);
    expect(r.summary.violations).toBe(0);
    // Three survivors debate the later items: fewer messages than five would send.
    expect(r.summary.messages.mean).toBeLessThan(30 * (2 * 20 + 5));
  });

  it("when the whole team crashes the run ends with items undecided", () => {
    const r = run(
      3,
      { protocol: "debate" },
      {
        items: 30,
        replicates: 3,
        faults: [{ at_s: 40, crash: ["agent-0", "agent-1", "agent-2"] }],
      },
    ).report;
    expect(r.end_reasons).toEqual({ stalled: 3 });
    expect(r.summary.decided.mean).toBeLessThan(1);
  });
});

describe("debate under message loss", () => {
  it("a lost answer stalls the debate without a round timeout, not with one", () => {
    const lossy = (team: Record<string, unknown>) =>
      runScenario(
        scenarioOf({
          seed: 3,
          replicates: 5,
          agents: { model: "gpt-4o", count: 5 },
          team,
          task: { kind: "questions", items: 40, difficulty: { kind: "fixed", p: 0.7 } },
          network: { loss: 0.01 },
        }),
      ).report;
    const stalled = lossy({ protocol: "debate" });
    expect(stalled.end_reasons).toEqual({ stalled: 5 });
    expect(stalled.summary.decided.mean).toBeLessThan(0.5);
    const timed = lossy({ protocol: "debate", round_timeout_s: 60 });
    // Every run ends (none hangs to the horizon); those whose final answer to the
    // coordinator was lost end stalled on that item, and only those items stay undecided.
    expect(Object.keys(timed.end_reasons).sort()).toEqual(["quiescent", "stalled"]);
    expect(timed.summary.decided.mean).toBeGreaterThan(0.9);
    expect(timed.summary.violations).toBe(0);
  });
});

describe("debate after a recovery", () => {
  it("a recovered agent rejoins the debate and debates every later item to the end", () => {
    const trace = new MemoryTrace();
    const items = 30;
    const faults = [
      { at_s: 40, crash: ["agent-2"] },
      { at_s: 150, recover: ["agent-2"] },
    ];
    const { report, runs } = run(
      5,
      { protocol: "debate" },
      { items, replicates: 3, faults, trace },
    );
    expect(report.end_reasons).toEqual({ quiescent: 3 });
    for (const r of runs) expect(r.decided).toBe(1);
    expect(report.summary.violations).toBe(0);
    // Its LLM calls after the recovery, up to the last round of the last item.
    const after = trace.events.filter(
      (e) => e.type === "call_start" && e.agent === "agent-2" && (e.t as number) > 150,
    );
    expect(after.length).toBeGreaterThan(0);
    expect(after.some((e) => e.label === `${items - 1}/r2`)).toBe(true);
    // Its peers read its answers again, and the coordinator counts its final answers.
    const sends = trace.events.filter((e) => e.type === "send" && e.from === "agent-2");
    const late = sends.filter((e) => (e.t as number) > 150);
    expect(late.some((e) => e.kind === "answer")).toBe(true);
    expect(late.filter((e) => e.kind === "final").length).toBeGreaterThan(0);
  });

  it("a team that crashed whole and recovered finishes every item", () => {
    const all = ["agent-0", "agent-1", "agent-2"];
    const faults = [
      { at_s: 40, crash: all },
      { at_s: 100, recover: all },
    ];
    const { report } = run(3, { protocol: "debate" }, { items: 20, replicates: 3, faults });
    expect(report.end_reasons).toEqual({ quiescent: 3 });
    expect(report.summary.decided.mean).toBe(1);
  });
});
