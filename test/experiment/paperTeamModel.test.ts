import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Rng } from "../../src/core/Rng.js";
import {
  MAX_ROUNDS,
  type PaperMode,
  type PaperModelParams,
  simulatePaperRun,
} from "../../src/experiment/paperTeamModel.js";
import { packageRoot } from "../../src/scenario/packageRoot.js";
import type { CoordinationParams } from "../../src/scenario/readCoordination.js";
import { readPaperTasks } from "../../src/scenario/readPaperTasks.js";
import { criticalPathLength } from "../../src/tasks/PaperSuite.js";

const suites = readPaperTasks(join(packageRoot(), "data/paper-llm-teams/tasks.json"));
const math09 = suites.find((s) => s.suite === "mathutilities" && s.p === 0.9)!;

/** A model with the given batch size and failure rate in every mode and suite, and fixed latencies. */
function model(batch: number, fail: number, loop = 0): PaperModelParams {
  const each = (v: number) => ({ dataanalysis: v, mathutilities: v, svgutils: v });
  return {
    model: "test",
    batch: { preassigned: each(batch), decentralized: each(batch) },
    fail: { preassigned: each(fail), decentralized: each(fail) },
    loop_probability: { preassigned: loop, decentralized: loop },
    loop_rounds: { preassigned: 3, decentralized: 3 },
    latency: {
      base_s: 2,
      fix_s: { preassigned: 5, decentralized: 5 },
      test_s: { preassigned: 0, decentralized: 0 },
      per_edit_s: { preassigned: each(1), decentralized: each(1) },
      cap_s: 30,
      sigma: 0,
      stall_probability: 0,
      stall_multiplier: 1,
    },
    tokens: {
      preassigned: {
        input_per_call: 1000,
        input_per_round: 100,
        output_per_call: 50,
        output_per_edit: 200,
      },
      decentralized: {
        input_per_call: 1000,
        input_per_round: 100,
        output_per_call: 50,
        output_per_edit: 200,
      },
    },
    source: "test",
  };
}
const coord = (c: Partial<CoordinationParams> = {}): CoordinationParams => ({
  herding: 0,
  collision_break: 0,
  idle_edits: 0,
  interference: 0,
  context_per_agent: 0,
  source: "test",
  ...c,
});
const streams = (seed: string) => {
  const rng = new Rng(seed);
  return {
    latency: rng.stream("latency"),
    batch: rng.stream("batch"),
    tests: rng.stream("tests"),
    claims: rng.stream("claims"),
  };
};

describe("simulatePaperRun", () => {
  it("gives the same run for the same streams", () => {
    const a = simulatePaperRun(
      math09,
      "decentralized",
      3,
      model(3, 0.2),
      coord({ herding: 0.5 }),
      streams("s"),
    );
    const b = simulatePaperRun(
      math09,
      "decentralized",
      3,
      model(3, 0.2),
      coord({ herding: 0.5 }),
      streams("s"),
    );
    expect(a).toEqual(b);
  });

  it("lets one preassigned agent write a whole chain in one call, but a decentralized one waits for done dependencies", () => {
    // No noise, no failures: p = 0.9 has one dependent subtask (critical path 2).
    const pre = simulatePaperRun(math09, "preassigned", 1, model(20, 0), coord(), streams("a"));
    const dec = simulatePaperRun(math09, "decentralized", 1, model(20, 0), coord(), streams("a"));
    expect(pre).toMatchObject({ success: true, rounds: 1, concurrent_writes: 0 });
    // One call writes 20 files: min(cap 30, 2 + 1 * 20) = 22 s.
    expect(pre.wall_clock_s).toBeCloseTo(22, 9);
    expect(dec).toMatchObject({ success: true, rounds: 2, claims_blocked: 1 });
    // 19 files then the one that waited: (2 + 19) + (2 + 1).
    expect(dec.wall_clock_s).toBeCloseTo(24, 9);
  });

  it("closes every round at its slowest call (the barrier)", () => {
    // Preassigned, 2 agents, p = 0.9: agent 0 holds the chain (2) plus 9 others, agent 1 holds 9.
    const r = simulatePaperRun(math09, "preassigned", 2, model(20, 0), coord(), streams("b"));
    expect(r.rounds).toBe(1);
    expect(r.wall_clock_s).toBeCloseTo(2 + 11, 9);
  });

  it("waits for the slowest call even when it is an idle agent's", () => {
    // p = 0.2: a chain of 16, so after the first round one agent works and two
    // idle agents make 10 edits each (12 s) while the worker writes one file (3 s).
    const math02 = suites.find((s) => s.suite === "mathutilities" && s.p === 0.2)!;
    const r = simulatePaperRun(
      math02,
      "decentralized",
      3,
      model(20, 0),
      coord({ idle_edits: 10 }),
      streams("e"),
    );
    expect(r.rounds).toBe(criticalPathLength(math02));
    expect(r.wall_clock_s).toBeCloseTo(r.rounds * 12, 9);
  });

  it("makes herding agents write the same subtasks (concurrent writes) and distinct pickers none", () => {
    const herd = simulatePaperRun(
      math09,
      "decentralized",
      4,
      model(5, 0),
      coord({ herding: 1 }),
      streams("c"),
    );
    const apart = simulatePaperRun(
      math09,
      "decentralized",
      4,
      model(5, 0),
      coord({ herding: 0 }),
      streams("c"),
    );
    expect(herd.concurrent_writes).toBeGreaterThan(0);
    expect(apart.concurrent_writes).toBe(0);
    // Herding agents do one agent's work per round: 19 claimable + 1 dependent at 5 per round.
    expect(herd.rounds).toBe(4);
    expect(apart.rounds).toBe(2);
  });

  it("fails a run that needs more than the round limit", () => {
    const r = simulatePaperRun(math09, "decentralized", 2, model(1, 0.95), coord(), streams("d"));
    expect(r.rounds).toBe(MAX_ROUNDS);
    expect(r.success).toBe(false);
  });

  it("keeps its invariants for any parameters (property)", () => {
    fc.assert(
      fc.property(
        fc.record({
          suite: fc.integer({ min: 0, max: suites.length - 1 }),
          mode: fc.constantFrom<PaperMode>("preassigned", "decentralized"),
          n: fc.integer({ min: 1, max: 5 }),
          batch: fc.double({ min: 1, max: 20, noNaN: true }),
          fail: fc.double({ min: 0, max: 0.9, noNaN: true }),
          loop: fc.double({ min: 0, max: 1, noNaN: true }),
          herding: fc.double({ min: 0, max: 1, noNaN: true }),
          collision_break: fc.double({ min: 0, max: 1, noNaN: true }),
          idle_edits: fc.double({ min: 0, max: 5, noNaN: true }),
          seed: fc.integer(),
        }),
        (c) => {
          const suite = suites[c.suite];
          const m = model(c.batch, c.fail, c.loop);
          const r = simulatePaperRun(suite, c.mode, c.n, m, coord(c), streams(String(c.seed)));
          expect(r.rounds).toBeGreaterThanOrEqual(1);
          expect(r.rounds).toBeLessThanOrEqual(MAX_ROUNDS);
          // A decentralized run finishes no faster than its critical path: a
          // subtask is claimable only once its dependencies are done.
          if (r.success && c.mode === "decentralized")
            expect(r.rounds).toBeGreaterThanOrEqual(criticalPathLength(suite));
          // Every round lasts at least an idle call and at most a capped call (no noise, no stalls).
          expect(r.wall_clock_s).toBeGreaterThanOrEqual(r.rounds * 2 - 1e-9);
          expect(r.wall_clock_s).toBeLessThanOrEqual(r.rounds * 30 + 1e-9);
          // Every call reads at least its base prompt.
          expect(r.input_tokens).toBeGreaterThanOrEqual(r.rounds * c.n * 1000);
          if (c.n === 1 || c.mode === "preassigned") expect(r.concurrent_writes).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });
});
