import { Rng } from "../core/Rng.js";
import { median } from "../metrics/median.js";
import type { CoordinationParams } from "../scenario/readCoordination.js";
import type { PaperCall, PaperRound, PaperRun } from "../scenario/readPaperData.js";
import type { PaperSuite } from "../tasks/PaperSuite.js";
import {
  PAPER_MODES,
  type PaperMode,
  type PaperModelParams,
  simulatePaperRun,
} from "./paperTeamModel.js";

/** One model's rows of the paper's data. */
export interface ModelRows {
  model: string;
  runs: PaperRun[];
  calls: PaperCall[];
  rounds: PaperRound[];
}

// The grids the per-mode batch size and test-failure rate are searched on.
const BATCHES = [1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10, 12, 15, 20];
const FAILS = [
  0, 0.01, 0.02, 0.035, 0.05, 0.075, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7, 0.8,
];
const FIT_REPLICATES = 24;

/**
 * Fits a model's own parameters on its single-agent (n = 1) runs: the latency
 * of a call against the files it edits (rounds.csv edits; with one agent a
 * round's edits are its call's), tokens per call against rounds and edits,
 * and, by simulation, the subtasks taken on per call and the test-failure
 * rate of each mode that best reproduce the median rounds and wall clock of
 * every (mode, suite, p) cell. Nothing here looks at team runs.
 */
export function fitPaperModel(
  rows: ModelRows,
  suites: readonly PaperSuite[],
  dataName: string,
): PaperModelParams {
  const single = rows.runs.filter((r) => r.n_agents === 1);
  const ids = new Set(single.map((r) => r.run_id));
  const roundEdits = new Map<string, PaperRound>();
  for (const r of rows.rounds) if (ids.has(r.run_id)) roundEdits.set(`${r.run_id}/${r.round}`, r);
  const suiteOf = new Map(single.map((r) => [r.run_id, `${r.mode}/${r.task_suite}`]));
  const points: LatencyPoint[] = [];
  for (const c of rows.calls) {
    if (!ids.has(c.run_id) || c.latency_s <= 0) continue;
    const round = roundEdits.get(`${c.run_id}/${c.round}`);
    if (round !== undefined) {
      points.push({
        suite: suiteOf.get(c.run_id) as string,
        tested: round.tests_run > 0,
        edits: round.edits,
        latency: c.latency_s,
      });
    }
  }
  const latency = fitLatency(points);
  const tokens = {
    preassigned: fitTokens(
      single.filter((r) => r.mode === "preassigned"),
      rows.rounds,
    ),
    decentralized: fitTokens(
      single.filter((r) => r.mode === "decentralized"),
      rows.rounds,
    ),
  };
  const model: PaperModelParams = {
    model: rows.model,
    batch: { preassigned: {}, decentralized: {} },
    fail: { preassigned: {}, decentralized: {} },
    loop_probability: { preassigned: 0, decentralized: 0 },
    loop_rounds: { preassigned: 1, decentralized: 1 },
    latency,
    tokens,
    source: `fitted on the n = 1 runs of ${rows.model} in ${dataName} (${single.length} runs, ${points.length} calls)`,
  };
  // Coordinate descent, two passes: batch and failure rate per suite given the
  // fix loop, then the fix loop of the mode given those.
  for (let pass = 0; pass < 2; pass++) {
    for (const mode of PAPER_MODES) {
      for (const name of [...new Set(suites.map((s) => s.suite))]) {
        const of = suites.filter((s) => s.suite === name);
        const fit = fitMode(model, mode, single, of);
        if (fit === null) continue;
        model.batch[mode][name] = fit.batch;
        model.fail[mode][name] = fit.fail;
      }
      const loop = fitLoop(model, mode, single, suites);
      model.loop_probability[mode] = loop.probability;
      model.loop_rounds[mode] = loop.rounds;
    }
  }
  return model;
}

interface LatencyPoint {
  /** mode/suite */
  suite: string;
  /** Whether the round ran the test suite. */
  tested: boolean;
  edits: number;
  latency: number;
}

/** Observed single-agent cells of a mode: median rounds, mean log rounds and median wall clock. */
function observedCells(
  mode: PaperMode,
  single: readonly PaperRun[],
  suites: readonly PaperSuite[],
) {
  return suites
    .map((suite) => {
      const runs = single.filter(
        (r) => r.mode === mode && r.task_suite === suite.suite && r.p === suite.p,
      );
      return {
        suite,
        rounds: median(runs.map((r) => r.rounds)),
        logRounds: runs.reduce((a, r) => a + Math.log(Math.max(1, r.rounds)), 0) / runs.length,
        wall: median(runs.map((r) => r.wall_clock_s)),
      };
    })
    .filter((c) => c.rounds > 0 && c.wall > 0);
}

/** How far simulated single-agent cells are from observed ones (squared log differences). */
function cellLoss(
  model: PaperModelParams,
  mode: PaperMode,
  cells: ReturnType<typeof observedCells>,
): number {
  let loss = 0;
  for (const cell of cells) {
    const sim = simulateCell(
      cell.suite,
      mode,
      1,
      model,
      ALONE,
      FIT_REPLICATES,
      `fit/${model.model}`,
    );
    const logRounds = sim.rounds.reduce((a, r) => a + Math.log(r), 0) / sim.rounds.length;
    loss +=
      Math.log(median(sim.rounds) / cell.rounds) ** 2 +
      (logRounds - cell.logRounds) ** 2 +
      Math.log(median(sim.wall) / cell.wall) ** 2;
  }
  return loss;
}

const LOOP_PROBABILITIES = [0, 0.05, 0.1, 0.2, 0.3, 0.5];
const LOOP_ROUNDS = [1, 2, 4, 8, 12];

function fitLoop(
  model: PaperModelParams,
  mode: PaperMode,
  single: readonly PaperRun[],
  suites: readonly PaperSuite[],
): { probability: number; rounds: number } {
  const cells = observedCells(mode, single, suites);
  let best = { probability: 0, rounds: 1, loss: Number.POSITIVE_INFINITY };
  for (const probability of LOOP_PROBABILITIES) {
    for (const rounds of probability === 0 ? [1] : LOOP_ROUNDS) {
      const trial: PaperModelParams = {
        ...model,
        loop_probability: { ...model.loop_probability, [mode]: probability },
        loop_rounds: { ...model.loop_rounds, [mode]: rounds },
      };
      const loss = cellLoss(trial, mode, cells);
      if (loss < best.loss) best = { probability, rounds, loss };
    }
  }
  return best;
}

/** No coordination at all: what a single agent sees. */
export const ALONE: CoordinationParams = {
  herding: 0,
  collision_break: 0,
  idle_edits: 0,
  interference: 0,
  context_per_agent: 0,
  source: "single agent",
};

function fitMode(
  model: PaperModelParams,
  mode: PaperMode,
  single: readonly PaperRun[],
  suites: readonly PaperSuite[],
): { batch: number; fail: number } | null {
  const cells = observedCells(mode, single, suites);
  if (cells.length === 0) return null;
  const name = suites[0].suite;
  let best = { batch: 1, fail: 0, loss: Number.POSITIVE_INFINITY };
  for (const batch of BATCHES) {
    for (const fail of FAILS) {
      const trial: PaperModelParams = {
        ...model,
        batch: { ...model.batch, [mode]: { ...model.batch[mode], [name]: batch } },
        fail: { ...model.fail, [mode]: { ...model.fail[mode], [name]: fail } },
      };
      const loss = cellLoss(trial, mode, cells);
      if (loss < best.loss) best = { batch, fail, loss };
    }
  }
  return { batch: best.batch, fail: best.fail };
}

/** Simulated replicates of one cell, with common random numbers per (label, suite, p, mode, n, replicate). */
export function simulateCell(
  suite: PaperSuite,
  mode: PaperMode,
  n: number,
  model: PaperModelParams,
  coord: CoordinationParams,
  replicates: number,
  label: string,
) {
  const wall: number[] = [];
  const rounds: number[] = [];
  const tokens: number[] = [];
  let successes = 0;
  for (let r = 0; r < replicates; r++) {
    const rng = new Rng(`${label}/${suite.suite}/${suite.p}/${mode}/${n}/${r}`);
    const out = simulatePaperRun(suite, mode, n, model, coord, {
      latency: rng.stream("latency"),
      batch: rng.stream("batch"),
      tests: rng.stream("tests"),
      claims: rng.stream("claims"),
    });
    wall.push(out.wall_clock_s);
    rounds.push(out.rounds);
    tokens.push(out.input_tokens + out.output_tokens);
    if (out.success) successes++;
  }
  return { wall, rounds, tokens, success: successes / replicates };
}

/**
 * Latency of a call against what it does. An idle call (no edits): base, the
 * median of such calls. A fix call (one edit): the median of such calls, per
 * mode. A writing call (two or more edits): min(cap, base + per_edit[mode/suite]
 * * edits), fitted to the median latency of each (mode, suite, edit count),
 * weighted by calls, on a log scale; the cap is the model's output limit. The
 * log-residual spread of writing calls is their MAD (robust to the stalls);
 * stalls are calls more than 4x their prediction.
 */
function fitLatency(points: readonly LatencyPoint[]): PaperModelParams["latency"] {
  const idle = points.filter((p) => p.edits === 0).map((p) => p.latency);
  const writes = points.filter((p) => p.edits >= 2);
  const fixOf = (mode: PaperMode) => {
    const one = points
      .filter((p) => p.edits === 1 && p.suite.startsWith(`${mode}/`))
      .map((p) => p.latency);
    const any = points.filter((p) => p.edits === 1).map((p) => p.latency);
    return round3(
      median(one.length > 0 ? one : any.length > 0 ? any : points.map((p) => p.latency)),
    );
  };
  const base = idle.length > 0 ? median(idle) : Math.min(...points.map((p) => p.latency));
  const fix_s = { preassigned: fixOf("preassigned"), decentralized: fixOf("decentralized") };
  if (writes.length === 0) {
    return {
      base_s: round3(base),
      fix_s,
      test_s: { preassigned: 0, decentralized: 0 },
      per_edit_s: { preassigned: {}, decentralized: {} },
      cap_s: round3(base),
      sigma: 0,
      stall_probability: 0,
      stall_multiplier: 1,
    };
  }
  const bySuite = new Map<string, Map<number, number[]>>();
  for (const p of writes) {
    // Bins by edit count, tested ones at -edits.
    const e = Math.min(p.edits, 30) * (p.tested ? -1 : 1);
    const bins = bySuite.get(p.suite) ?? new Map<number, number[]>();
    bySuite.set(p.suite, bins);
    const list = bins.get(e) ?? [];
    list.push(p.latency);
    bins.set(e, list);
  }
  const suites = [...bySuite.keys()].sort();
  const bins = suites.map((s) =>
    [...(bySuite.get(s) as Map<number, number[]>)].map(([e, l]) => ({
      edits: Math.abs(e),
      tested: e < 0,
      med: median(l),
      w: l.length,
    })),
  );
  const modeOf = suites.map(
    (s) => (s.startsWith("preassigned/") ? "preassigned" : "decentralized") as PaperMode,
  );
  const tests = [0, 1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20];
  const slopes: number[] = [0];
  for (let per = 0.02; per <= 20; per *= 1.05) slopes.push(per);
  const caps = [...new Set(bins.flat().map((b) => b.med))].concat([
    Math.max(...writes.map((p) => p.latency)),
  ]);
  let best = {
    per: suites.map(() => 0),
    cap: base,
    test: { preassigned: 0, decentralized: 0 },
    loss: Number.POSITIVE_INFINITY,
  };
  for (const cap of caps) {
    if (cap < base) continue;
    const per: number[] = suites.map(() => 0);
    const test = { preassigned: 0, decentralized: 0 };
    let loss = 0;
    // Given the cap, each mode's test time and its suites' slopes are fitted on their own.
    for (const mode of PAPER_MODES) {
      let bestMode = { loss: Number.POSITIVE_INFINITY, test: 0, per: [] as number[] };
      for (const t of tests) {
        let modeLoss = 0;
        const modePer: number[] = [];
        bins.forEach((suiteBins, i) => {
          if (modeOf[i] !== mode) return;
          let bestSlope = { slope: 0, loss: Number.POSITIVE_INFINITY };
          for (const slope of slopes) {
            let l = 0;
            for (const b of suiteBins)
              l +=
                b.w *
                Math.log(b.med / Math.min(cap, base + slope * b.edits + (b.tested ? t : 0))) ** 2;
            if (l < bestSlope.loss) bestSlope = { slope, loss: l };
          }
          modeLoss += bestSlope.loss;
          modePer.push(bestSlope.slope);
        });
        if (modeLoss < bestMode.loss) bestMode = { loss: modeLoss, test: t, per: modePer };
      }
      loss += bestMode.loss;
      test[mode] = bestMode.test;
      let j = 0;
      bins.forEach((_, i) => {
        if (modeOf[i] === mode) per[i] = bestMode.per[j++];
      });
    }
    if (loss < best.loss) best = { per, cap, test, loss };
  }
  const slopeOf = new Map(suites.map((s, i) => [s, best.per[i]]));
  const predict = (p: LatencyPoint) => {
    const mode = p.suite.startsWith("preassigned/") ? "preassigned" : "decentralized";
    return Math.min(
      best.cap,
      base +
        (slopeOf.get(p.suite) as number) * Math.min(p.edits, 30) +
        (p.tested ? best.test[mode] : 0),
    );
  };
  const residuals = writes.map((p) => Math.log(p.latency / predict(p)));
  const mid = median(residuals);
  const sigma = 1.4826 * median(residuals.map((r) => Math.abs(r - mid)));
  const stalls = residuals.filter((r) => r > Math.log(4));
  const pick = (mode: string) =>
    Object.fromEntries(
      suites
        .filter((s) => s.startsWith(`${mode}/`))
        .map((s) => [s.slice(mode.length + 1), round3(slopeOf.get(s) as number)]),
    );
  return {
    base_s: round3(base),
    fix_s,
    test_s: best.test,
    per_edit_s: { preassigned: pick("preassigned"), decentralized: pick("decentralized") },
    cap_s: round3(best.cap),
    sigma: round3(sigma),
    stall_probability: round3(stalls.length / writes.length),
    stall_multiplier: stalls.length === 0 ? 1 : round3(Math.exp(median(stalls))),
  };
}

/**
 * Tokens per call over the single-agent runs. Input: input = R * a + b * R(R-1)/2
 * by least squares, R the run's rounds (one call each); when that gives b > a
 * (few long runs to tell them apart) the prompt is taken as flat (b = 0). Output: proportional to the
 * files written plus one per call (the reply around them), the median over runs.
 */
function fitTokens(
  single: readonly PaperRun[],
  rounds: readonly PaperRound[],
): PaperModelParams["tokens"][PaperMode] {
  const edits = new Map<number, number>();
  for (const r of rounds) edits.set(r.run_id, (edits.get(r.run_id) ?? 0) + r.edits);
  let [a, b] = leastSquares2(
    single.map((r) => ({ x1: r.rounds, x2: (r.rounds * (r.rounds - 1)) / 2, y: r.input_tokens })),
  );
  if (b > a) {
    // Growth is not identified (mostly one- and two-round runs): a flat prompt per call.
    b = 0;
    a = orZero(median(single.map((r) => r.input_tokens / Math.max(1, r.rounds))));
  }
  // Medians over runs, so a few long runs with huge contexts do not set the typical call.
  const out = orZero(
    median(single.map((r) => r.output_tokens / Math.max(1, r.rounds + (edits.get(r.run_id) ?? 0)))),
  );
  return {
    input_per_call: Math.round(a),
    input_per_round: Math.round(b),
    output_per_call: Math.round(out),
    output_per_edit: Math.round(out),
  };
}

function orZero(x: number): number {
  return Number.isFinite(x) ? x : 0;
}

/** y = b1 x1 + b2 x2 by least squares, with both coefficients kept >= 0. */
function leastSquares2(rows: readonly { x1: number; x2: number; y: number }[]): [number, number] {
  let s11 = 0;
  let s12 = 0;
  let s22 = 0;
  let s1y = 0;
  let s2y = 0;
  for (const { x1, x2, y } of rows) {
    s11 += x1 * x1;
    s12 += x1 * x2;
    s22 += x2 * x2;
    s1y += x1 * y;
    s2y += x2 * y;
  }
  const det = s11 * s22 - s12 * s12;
  let b1 = det === 0 ? 0 : (s1y * s22 - s2y * s12) / det;
  let b2 = det === 0 ? 0 : (s2y * s11 - s1y * s12) / det;
  if (b2 < 0 || det === 0) {
    b2 = 0;
    b1 = s11 === 0 ? 0 : s1y / s11;
  }
  if (b1 < 0) {
    b1 = 0;
    b2 = s22 === 0 ? 0 : Math.max(0, s2y / s22);
  }
  return [b1, b2];
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
