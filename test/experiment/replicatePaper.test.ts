import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fitPaperModel } from "../../src/experiment/fitPaperModel.js";
import {
  fitMetrics,
  predictCells,
  type ReplicationCell,
  rowsByModel,
} from "../../src/experiment/replicatePaper.js";
import { packageRoot } from "../../src/scenario/packageRoot.js";
import { readCoordination } from "../../src/scenario/readCoordination.js";
import { readPaperData } from "../../src/scenario/readPaperData.js";
import { readPaperTasks } from "../../src/scenario/readPaperTasks.js";

const root = packageRoot();
const data = readPaperData(join(root, "data/paper-llm-teams"));
const suites = readPaperTasks(join(root, "data/paper-llm-teams/tasks.json"));
const coord = readCoordination(join(root, "models/coordination/paper-teams.yaml"));
const rows = rowsByModel(data);

// Each model fitted on its own single-agent runs, teams predicted with the shipped coordination fit.
const cells: ReplicationCell[] = rows.flatMap((r) =>
  predictCells(fitPaperModel(r, suites, "data"), coord, suites, 30, rows),
);
const teams = cells.filter((c) => c.n_agents >= 2);

describe("the replication of the paper's experiment", () => {
  it("predicts decentralized teams mostly slower than one agent", () => {
    const dec = teams.filter((c) => c.mode === "decentralized");
    const slower = dec.filter((c) => c.predicted_speedup < 1).length / dec.length;
    // The paper: decentralized teams were usually slower (median about 0.88x).
    expect(slower).toBeGreaterThan(0.75);
  });

  it("predicts preassigned teams faster at p = 0.9, but below the Amdahl bound", () => {
    const pre = teams.filter((c) => c.mode === "preassigned" && c.p === 0.9);
    const median = [...pre.map((c) => c.predicted_speedup)].sort((a, b) => a - b)[
      Math.floor(pre.length / 2)
    ];
    // Faster than one agent: the predicted median is about 1.18 (24 cells, so
    // it moves by a few hundredths with the draws); the paper observed 1.82.
    expect(median).toBeGreaterThan(1.1);
    for (const c of pre) expect(c.predicted_speedup).toBeLessThan(c.amdahl_speedup);
    // And faster at p = 0.9 than at p = 0.2 (medians over models, suites and team sizes).
    const low = teams
      .filter((c) => c.mode === "preassigned" && c.p === 0.2)
      .map((c) => c.predicted_speedup);
    expect(median).toBeGreaterThan([...low].sort((a, b) => a - b)[Math.floor(low.length / 2)]);
  });

  it("predicts tokens growing with team size", () => {
    // In every (model, mode, suite, p) row a team of 5 uses more tokens than one agent...
    for (const c of cells.filter((d) => d.n_agents === 5)) {
      const one = cells.find(
        (d) =>
          d.model === c.model &&
          d.mode === c.mode &&
          d.task_suite === c.task_suite &&
          d.p === c.p &&
          d.n_agents === 1,
      );
      expect(c.predicted_tokens).toBeGreaterThan(1.5 * (one as ReplicationCell).predicted_tokens);
    }
    // ...and the median over rows grows with every agent added.
    const medianAt = (n: number) => {
      const v = cells
        .filter((c) => c.n_agents === n)
        .map((c) => c.predicted_tokens)
        .sort((a, b) => a - b);
      return v[Math.floor(v.length / 2)];
    };
    for (let n = 2; n <= 5; n++) expect(medianAt(n)).toBeGreaterThan(medianAt(n - 1));
  });

  it("beats Amdahl's law alone on every fit metric, for each model", () => {
    for (const { model } of rows) {
      const mine = cells.filter((c) => c.model === model);
      const sim = fitMetrics(mine);
      const amdahl = fitMetrics(mine, (c) => c.amdahl_speedup);
      expect(sim.cells).toBe(72);
      expect(sim.spearman).toBeGreaterThan(amdahl.spearman);
      expect(sim.team_faster_accuracy).toBeGreaterThan(amdahl.team_faster_accuracy);
      expect(sim.median_abs_log_error).toBeLessThan(amdahl.median_abs_log_error);
    }
  });
});
