import { median } from "../metrics/median.js";
import type { CoordinationParams } from "../scenario/readCoordination.js";
import type { PaperSuite } from "../tasks/PaperSuite.js";
import type { ModelRows } from "./fitPaperModel.js";
import { ALONE, simulateCell } from "./fitPaperModel.js";
import { PAPER_MODES, type PaperModelParams } from "./paperTeamModel.js";

// The grid searched (a coarse grid on purpose: the data has five repetitions
// per cell, and a finer fit would model their noise).
const GRID = {
  herding: [0, 0.25, 0.5, 0.75, 0.9, 1],
  collision_break: [0, 0.25, 0.5, 0.75, 1],
  idle_edits: [0, 1, 2, 4, 8],
  interference: [0, 0.02, 0.05, 0.1, 0.15, 0.25],
};
const FIT_REPLICATES = 16;

/** The number of grid points fitCoordination evaluates (for progress bars). */
export const COORDINATION_GRID_SIZE =
  GRID.herding.length *
  GRID.collision_break.length *
  GRID.idle_edits.length *
  GRID.interference.length;

/**
 * Fits the team-coordination parameters on team runs: for every point of a
 * grid over herding, collision_break, idle_edits and interference, simulates
 * every observed (model, mode, suite, p, n >= 2) cell with each model's own
 * single-agent fit and keeps the point with the least mean |log(predicted /
 * observed speedup)| plus the share of cells where "the team is faster" is
 * predicted wrong. context_per_agent is fitted directly: the median growth of
 * input tokens per call per extra agent.
 */
export function fitCoordination(
  models: readonly { params: PaperModelParams; rows: ModelRows }[],
  suites: readonly PaperSuite[],
  dataName: string,
  progress: () => void = () => {},
): CoordinationParams {
  type Target = {
    suite: PaperSuite;
    mode: (typeof PAPER_MODES)[number];
    n: number;
    observed: number;
    params: PaperModelParams;
    base: number;
  };
  const targets: Target[] = [];
  const growth: number[] = [];
  for (const { params, rows } of models) {
    for (const mode of PAPER_MODES) {
      for (const suite of suites) {
        const runs = rows.runs.filter(
          (r) => r.mode === mode && r.task_suite === suite.suite && r.p === suite.p,
        );
        const single = runs.filter((r) => r.n_agents === 1);
        if (single.length === 0) continue;
        const obsBase = median(single.map((r) => r.wall_clock_s));
        const perCall1 = median(single.map((r) => r.input_tokens / Math.max(1, r.rounds)));
        const base = median(
          simulateCell(suite, mode, 1, params, ALONE, FIT_REPLICATES, `fit/${params.model}`).wall,
        );
        for (let n = 2; n <= 5; n++) {
          const here = runs.filter((r) => r.n_agents === n);
          if (here.length === 0) continue;
          targets.push({
            suite,
            mode,
            n,
            observed: obsBase / median(here.map((r) => r.wall_clock_s)),
            params,
            base,
          });
          const perCall = median(here.map((r) => r.input_tokens / Math.max(1, r.rounds * n)));
          growth.push((perCall / perCall1 - 1) / (n - 1));
        }
      }
    }
  }
  let best: {
    point: Omit<CoordinationParams, "context_per_agent" | "source">;
    loss: number;
  } | null = null;
  for (const herding of GRID.herding) {
    for (const collision_break of GRID.collision_break) {
      for (const idle_edits of GRID.idle_edits) {
        for (const interference of GRID.interference) {
          const point = { herding, collision_break, idle_edits, interference };
          const coord: CoordinationParams = { ...point, context_per_agent: 0, source: "" };
          let sum = 0;
          let wrong = 0;
          for (const t of targets) {
            const sim = simulateCell(
              t.suite,
              t.mode,
              t.n,
              t.params,
              coord,
              FIT_REPLICATES,
              `fit/${t.params.model}`,
            );
            const predicted = t.base / median(sim.wall);
            sum += Math.abs(Math.log(predicted / t.observed));
            if (predicted > 1 !== t.observed > 1) wrong++;
          }
          const loss = targets.length === 0 ? 0 : (sum + wrong) / targets.length;
          if (best === null || loss < best.loss) best = { point, loss };
          progress();
        }
      }
    }
  }
  const point = best?.point ?? { herding: 0, collision_break: 0, idle_edits: 0, interference: 0 };
  const context = Math.max(0, median(growth.filter(Number.isFinite)));
  return {
    ...point,
    context_per_agent: Number.isFinite(context) ? Math.round(context * 1000) / 1000 : 0,
    source: `fitted on the team runs (n = 2..5) of ${models.map((m) => m.params.model).join(", ")} in ${dataName}: grid search over ${COORDINATION_GRID_SIZE} points, ${targets.length} cells, loss ${(best?.loss ?? 0).toFixed(3)} (mean |log speedup error| + share of wrong "team is faster")`,
  };
}
