import { amdahl } from "../analytic/amdahl.js";
import { spearman } from "../analytic/spearman.js";
import { median } from "../metrics/median.js";
import type { CoordinationParams } from "../scenario/readCoordination.js";
import type { PaperData, PaperRun } from "../scenario/readPaperData.js";
import type { PaperSuite } from "../tasks/PaperSuite.js";
import type { ModelRows } from "./fitPaperModel.js";
import { simulateCell } from "./fitPaperModel.js";
import { PAPER_MODES, type PaperMode, type PaperModelParams } from "./paperTeamModel.js";

/** Team sizes of the paper's experiment. */
export const PAPER_TEAM_SIZES = [1, 2, 3, 4, 5] as const;

/** One cell of the replication table: a model, mode, suite, p and team size. */
export interface ReplicationCell {
  model: string;
  mode: PaperMode;
  task_suite: string;
  p: number;
  n_agents: number;
  predicted_speedup: number;
  predicted_success: number;
  predicted_tokens: number;
  observed_speedup?: number;
  observed_success?: number;
  observed_tokens?: number;
  /** Amdahl's law 1/((1-p) + p/n) for the same cell, the baseline the fit metrics are compared with. */
  amdahl_speedup: number;
}

/** How well predicted speedups match observed ones over cells with n >= 2. */
export interface FitMetrics {
  cells: number;
  /** Spearman correlation of predicted and observed speedup. */
  spearman: number;
  /** Share of cells where "the team is faster than one agent" (speedup > 1) is predicted right. */
  team_faster_accuracy: number;
  /** Median |log(predicted / observed)|. */
  median_abs_log_error: number;
}

/** Splits the paper's data by model, in order of first appearance. */
export function rowsByModel(data: PaperData): ModelRows[] {
  const models = [...new Set(data.runs.map((r) => r.model))];
  return models.map((model) => {
    const runs = data.runs.filter((r) => r.model === model);
    const ids = new Set(runs.map((r) => r.run_id));
    return {
      model,
      runs,
      calls: data.calls.filter((c) => ids.has(c.run_id)),
      rounds: data.rounds.filter((r) => ids.has(r.run_id)),
    };
  });
}

/** Predicted (and, where the data has them, observed) cells of one model; `progress` is called after each cell. */
export function predictCells(
  model: PaperModelParams,
  coord: CoordinationParams,
  suites: readonly PaperSuite[],
  replicates: number,
  observed: readonly ModelRows[],
  progress: () => void = () => {},
): ReplicationCell[] {
  const rows = observed.find((o) => o.model === model.model);
  const out: ReplicationCell[] = [];
  for (const mode of PAPER_MODES) {
    for (const suite of suites) {
      let base = { wall: [] as number[], tokens: [] as number[], success: 0 };
      const obs =
        rows?.runs.filter(
          (r) => r.mode === mode && r.task_suite === suite.suite && r.p === suite.p,
        ) ?? [];
      const obsBase = median(obs.filter((r) => r.n_agents === 1).map((r) => r.wall_clock_s));
      for (const n of PAPER_TEAM_SIZES) {
        const sim = simulateCell(
          suite,
          mode,
          n,
          model,
          coord,
          replicates,
          `replicate/${model.model}`,
        );
        if (n === 1) base = sim;
        const cell: ReplicationCell = {
          model: model.model,
          mode,
          task_suite: suite.suite,
          p: suite.p,
          n_agents: n,
          predicted_speedup: median(base.wall) / median(sim.wall),
          predicted_success: sim.success,
          predicted_tokens: Math.round(median(sim.tokens)),
          amdahl_speedup: amdahl.value(n, { p: suite.p }),
        };
        const here = obs.filter((r) => r.n_agents === n);
        if (here.length > 0) {
          if (obsBase > 0)
            cell.observed_speedup = obsBase / median(here.map((r) => r.wall_clock_s));
          cell.observed_success = here.filter((r) => r.success === 1).length / here.length;
          cell.observed_tokens = Math.round(
            median(here.map((r) => r.input_tokens + r.output_tokens)),
          );
        }
        out.push(cell);
        progress();
      }
    }
  }
  return out;
}

/** Fit metrics of a prediction over the cells with n >= 2 and an observed speedup. */
export function fitMetrics(
  cells: readonly ReplicationCell[],
  predict: (c: ReplicationCell) => number = (c) => c.predicted_speedup,
): FitMetrics {
  const used = cells.filter(
    (c) => c.n_agents >= 2 && c.observed_speedup !== undefined && c.observed_speedup > 0,
  );
  const pred = used.map(predict);
  const obs = used.map((c) => c.observed_speedup as number);
  const right = used.filter((_, i) => pred[i] > 1 === obs[i] > 1).length;
  return {
    cells: used.length,
    spearman: spearman(pred, obs),
    team_faster_accuracy: used.length === 0 ? Number.NaN : right / used.length,
    median_abs_log_error: median(pred.map((p, i) => Math.abs(Math.log(p / obs[i])))),
  };
}

/**
 * How well the data agrees with itself: the Spearman correlation, over cells
 * with n >= 2, of the observed speedups computed from the even and from the
 * odd repetitions (`rep`) separately. A ceiling for any prediction's Spearman.
 */
export function splitHalfSpearman(rows: ModelRows): number {
  const a: number[] = [];
  const b: number[] = [];
  const cells = new Map<string, PaperRun[]>();
  for (const r of rows.runs) {
    const key = `${r.mode}|${r.task_suite}|${r.p}`;
    const list = cells.get(key) ?? [];
    list.push(r);
    cells.set(key, list);
  }
  const half = (runs: readonly PaperRun[], n: number, parity: number) =>
    median(runs.filter((r) => r.n_agents === n && r.rep % 2 === parity).map((r) => r.wall_clock_s));
  for (const runs of cells.values()) {
    const sizes = [...new Set(runs.map((r) => r.n_agents))]
      .filter((n) => n >= 2)
      .sort((x, y) => x - y);
    for (const n of sizes) {
      const even = half(runs, 1, 0) / half(runs, n, 0);
      const odd = half(runs, 1, 1) / half(runs, n, 1);
      if (Number.isFinite(even) && Number.isFinite(odd) && even > 0 && odd > 0) {
        a.push(even);
        b.push(odd);
      }
    }
  }
  return spearman(a, b);
}
