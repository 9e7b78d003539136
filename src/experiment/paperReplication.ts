import { existsSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../core/InputError.js";
import { packageRoot } from "../scenario/packageRoot.js";
import { type CoordinationParams, readCoordination } from "../scenario/readCoordination.js";
import { readPaperData } from "../scenario/readPaperData.js";
import { readPaperTasks } from "../scenario/readPaperTasks.js";
import { fitCoordination } from "./fitCoordination.js";
import { fitPaperModel, type ModelRows } from "./fitPaperModel.js";
import type { PaperModelParams } from "./paperTeamModel.js";
import {
  type FitMetrics,
  fitMetrics,
  predictCells,
  type ReplicationCell,
  rowsByModel,
  splitHalfSpearman,
} from "./replicatePaper.js";

/** The project's copy of the paper's data and the shipped coordination fit (relative to the package). */
const PAPER_DATA = "data/paper-llm-teams";
const PAPER_COORDINATION = "models/coordination/paper-teams.yaml";

/** Options of paperReplication (the flags of `teamsim replicate paper`). */
export interface PaperReplicationOptions {
  /** Directory of the paper's data (default: the copy shipped with teamsim). */
  data?: string;
  /** Only these models of the data (default: all). */
  models?: readonly string[];
  /** Simulated runs per cell (default 50). */
  replicates?: number;
  /**
   * Where the coordination parameters come from: a YAML file, or "all" to fit
   * them on the team runs of the data (default: the shipped fit).
   */
  coordination?: string;
  /** Called after each fitted model and each predicted cell. */
  onProgress?: () => void;
}

/** How well one model's predicted speedups match the observed ones, beside Amdahl's law. */
export interface PaperModelMetrics {
  model: string;
  coordination: string;
  teamsim: FitMetrics;
  amdahl: FitMetrics;
  split_half_spearman: number;
}

/** What paperReplication returns: every cell, the metrics per model, and the fitted parameters. */
export interface PaperReplication {
  cells: ReplicationCell[];
  metrics: PaperModelMetrics[];
  models: PaperModelParams[];
  coordination: CoordinationParams;
}

/**
 * The paper's team experiment predicted from its single-agent runs and set
 * beside what was observed: the cells (and, with `--metrics`, the metrics)
 * that `teamsim replicate paper --json` prints, without its progress bar.
 */
export function paperReplication(options: PaperReplicationOptions = {}): PaperReplication {
  const root = packageRoot();
  const dataName = options.data ?? PAPER_DATA;
  const dataDir = options.data ?? join(root, PAPER_DATA);
  const replicates = options.replicates ?? 50;
  if (!Number.isInteger(replicates) || replicates < 1) {
    throw new InputError(
      "replicates",
      "",
      undefined,
      undefined,
      "a whole number >= 1",
      String(replicates),
    );
  }
  const data = readPaperData(dataDir);
  const tasksFile = existsSync(join(dataDir, "tasks.json"))
    ? join(dataDir, "tasks.json")
    : join(root, PAPER_DATA, "tasks.json");
  const suites = readPaperTasks(tasksFile);
  let rows = rowsByModel(data);
  const wanted = options.models;
  if (wanted !== undefined) {
    const unknown = wanted.filter((m) => !rows.some((r) => r.model === m));
    if (unknown.length > 0) {
      throw new InputError(
        "models",
        "",
        undefined,
        undefined,
        `a model of ${dataName} (${rows.map((r) => r.model).join(", ")})`,
        unknown.join(", "),
      );
    }
    rows = rows.filter((r) => wanted.includes(r.model));
  }
  const tick = options.onProgress ?? (() => {});
  const fitted = rows.map((r) => {
    const params = fitPaperModel(r, suites, dataName);
    tick();
    return { params, rows: r };
  });
  let coord: CoordinationParams;
  let coordName: string;
  if (options.coordination === "all") {
    coord = fitCoordination(fitted, suites, dataName, tick);
    coordName = `fitted on the team runs of ${rows.map((r) => r.model).join(", ")} in ${dataName}`;
  } else {
    coord = readCoordination(options.coordination ?? join(root, PAPER_COORDINATION));
    coordName = options.coordination ?? PAPER_COORDINATION;
  }
  const cells: ReplicationCell[] = [];
  const metrics: PaperModelMetrics[] = [];
  for (const f of fitted) {
    const got = predictCells(f.params, coord, suites, replicates, rows, tick);
    cells.push(...got);
    metrics.push(paperModelMetrics(f.params.model, coordName, got, f.rows));
  }
  return { cells, metrics, models: fitted.map((f) => f.params), coordination: coord };
}

/**
 * One model's metrics: its predicted cells and Amdahl's law each against the
 * observed speedups, and the split-half agreement of its own runs.
 */
export function paperModelMetrics(
  model: string,
  coordination: string,
  cells: readonly ReplicationCell[],
  rows: ModelRows,
): PaperModelMetrics {
  return {
    model,
    coordination,
    teamsim: fitMetrics(cells),
    amdahl: fitMetrics(cells, (c) => c.amdahl_speedup),
    split_half_spearman: splitHalfSpearman(rows),
  };
}
