import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { TraceEvent } from "../../src/core/Trace.js";
import { runScenario } from "../../src/experiment/runScenario.js";
import { MASS_TOKENS } from "../../src/protocols/gossip.js";
import { PushSum } from "../../src/protocols/PushSum.js";
import { scenarioOf, tracedReplicate } from "../helpers.js";

function scenario(
  n: number,
  team: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
  replicates = 3,
) {
  return scenarioOf({
    seed: 5,
    replicates,
    agents: { model: "gpt-4o", count: n },
    team: { protocol: "gossip", mode: "push-sum", ...team },
    task: { kind: "questions", items: 5, choices: 3, difficulty: { kind: "fixed", p: 0.7 } },
    ...extra,
  });
}

/** Per item, the votes cast (call_end answers; a failed call abstains with weight 1). */
function castOf(events: readonly TraceEvent[], choices: number): Map<number, number[]> {
  const cast = new Map<number, number[]>();
  for (const e of events) {
    if (e.type !== "call_end") continue;
    const c = cast.get(e.label as number) ?? new Array(choices + 1).fill(0);
    if (e.ok) c[e.answer as number]++;
    c[choices]++;
    cast.set(e.label as number, c);
  }
  return cast;
}

function meanSe(xs: readonly number[]): { mean: number; se: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const v = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1);
  return { mean, se: Math.sqrt(v / xs.length) };
}

describe("gossip, push-sum mode", () => {
  it("every agent decides the true plurality of the votes cast when the margin is clear", () => {
    for (const n of [9, 64]) {
      for (let r = 0; r < 3; r++) {
        const { events, result } = tracedReplicate(scenario(n), r);
        const cast = castOf(events, 3);
        const decisions = events.filter((e) => e.type === "decide");
        expect(decisions.length).toBe(5 * n);
        for (const d of decisions) {
          const c = (cast.get(d.item as number) as number[]).slice(0, 3);
          const sorted = [...c].sort((a, b) => b - a);
          // A clear margin: at least 10% of the team between the first and the second.
          if (sorted[0] - sorted[1] < 0.1 * n) continue;
          expect(d.answer, `n=${n} item ${d.item}: ${c}`).toBe(c.indexOf(sorted[0]));
        }
        expect(result.violations).toBe(0);
        expect(result.decided).toBe(1);
      }
    }
  });

  it("conserves mass (held + in flight = votes cast) every round, with no loss", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 40 }),
        fc.integer({ min: 2, max: 5 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.constantFrom("rounds", "converged"),
        (n, choices, seed, until) => {
          const loaded = scenarioOf({
            seed,
            replicates: 1,
            agents: { model: "gpt-4o", count: n },
            team: { protocol: "gossip", mode: "push-sum", until },
            task: { kind: "questions", items: 2, choices, difficulty: { kind: "fixed", p: 0.6 } },
          });
          const { events } = tracedReplicate(loaded);
          const cast = castOf(events, choices);
          const masses = events.filter((e) => e.type === "gossip_mass");
          expect(masses.length).toBeGreaterThan(0);
          for (const m of masses) {
            const c = cast.get(m.item as number) as number[];
            const sum = m.mass as number[];
            const flying = m.in_flight as number[];
            for (let k = 0; k < choices; k++)
              expect(Math.abs(sum[k] + flying[k] - c[k])).toBeLessThan(1e-9 * n);
            expect(
              Math.abs((m.weight as number) + (m.in_flight_weight as number) - c[choices]),
            ).toBeLessThan(1e-9 * n);
          }
        },
      ),
      { numRuns: 25, seed: 14 },
    );
  });

  it("loses mass with the messages it loses (held + in flight still adds up; held alone does not)", () => {
    const { events } = tracedReplicate(scenario(16, {}, { network: { loss: 0.2 } }));
    const last = events
      .filter((e) => e.type === "gossip_mass" && e.item === 0)
      .at(-1) as TraceEvent;
    expect(last.weight as number).toBeLessThan(16 * 0.9);
    expect((last.weight as number) + (last.in_flight_weight as number)).toBeCloseTo(16, 9);
  });

  it("converges: every estimate within the tolerance of the true shares after O(log n) rounds", () => {
    const ns = [16, 64, 256, 1024];
    const rounds = ns.map((n) => {
      const loaded = scenario(n, { until: "rounds", rounds: 40 }, {}, 2);
      const all: number[] = [];
      for (let r = 0; r < 2; r++)
        for (const e of tracedReplicate(loaded, r).events)
          if (e.type === "gossip_converged") all.push(e.round as number);
      // Every item converged (within the 40 rounds).
      expect(all.length).toBe(2 * 5);
      return meanSe(all);
    });
    for (let i = 0; i < ns.length; i++) {
      // Measured log2(n) + 10 to + 12 (the slowest agent, to 0.01); Kempe et al.: O(log n + log 1/ε).
      expect(rounds[i].mean - 3 * rounds[i].se, `n=${ns[i]}`).toBeLessThan(Math.log2(ns[i]) + 13);
    }
    // Logarithmic growth: each quadrupling of n adds about 2 rounds (measured 1.6 to 2.4).
    for (let i = 1; i < ns.length; i++) {
      const step = rounds[i].mean - rounds[i - 1].mean;
      expect(step, `step to n=${ns[i]}`).toBeLessThan(4);
    }
    expect(rounds[3].mean / rounds[0].mean).toBeLessThan(3); // n grew 64-fold
  });

  it("costs one push of choices + 1 numbers per agent and round, whatever n", () => {
    for (const n of [8, 32]) {
      const { runs } = runScenario(scenario(n, { until: "rounds", rounds: 7 }, {}, 2), {
        keepRuns: true,
      });
      for (const run of runs) {
        expect(run.rounds).toBe(5 * 7);
        expect(run.messages).toBe(5 * 7 * n);
        expect(run.message_tokens).toBe(MASS_TOKENS * 4 * run.messages);
      }
    }
  });

  it("is deterministic: the same seed gives a byte-identical report", () => {
    const faults = [{ at_s: 40, crash: ["agent-1"] }];
    const a = runScenario(scenario(12, {}, { network: { loss: 0.1 }, faults })).report;
    const b = runScenario(scenario(12, {}, { network: { loss: 0.1 }, faults })).report;
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    const c = runScenario(scenario(12, {}, { seed: 6, network: { loss: 0.1 }, faults })).report;
    expect(JSON.stringify(c)).not.toBe(JSON.stringify(a));
  });

  it("a crash of some agents does not hang the run: the rest decide every item and it quiesces", () => {
    const faults = [{ at_s: 20, crash: ["agent-2", "agent-5", "agent-11"] }];
    for (const detector of ["perfect", { kind: "timeout", heartbeat_s: 1, timeout_s: 5 }]) {
      const r = runScenario(scenario(20, { failure_detector: detector }, { faults })).report;
      expect(r.summary.decided.mean).toBe(1);
      expect(r.summary.decided_all.mean).toBe(1);
      expect(r.summary.violations).toBe(0);
      expect(r.end_reasons).toEqual({ quiescent: 3 });
    }
  });
});

describe("PushSum", () => {
  it("splits exactly in half, absorbs, and settles only after mass arrived", () => {
    const a = new PushSum(3, 1);
    const b = new PushSum(3, 2);
    const half = a.split();
    expect(half).toEqual({ sum: [0, 0.5, 0], weight: 0.5 });
    expect(a.settle()).toBeNull();
    b.absorb(half.sum, half.weight);
    expect(b.weight).toBe(1.5);
    expect([...b.estimate()].map((x) => x * 3)).toEqual([0, 1, 2]);
    expect(b.settle()).toBeCloseTo(1 / 3, 12);
    expect(b.argmax(0.5)).toBe(2);
    expect(new PushSum(3, -1).argmax(0.5)).toBe(-1);
  });
});
