import { existsSync } from "node:fs";
import { join } from "node:path";
import Table from "cli-table3";
import type { Command } from "commander";
import { stringify } from "yaml";
import { InputError } from "../core/InputError.js";
import { guardWork, replicateEstimate, YES_HELP } from "../experiment/estimateWork.js";
import { COORDINATION_GRID_SIZE, fitCoordination } from "../experiment/fitCoordination.js";
import { fitPaperModel } from "../experiment/fitPaperModel.js";
import { type PaperModelMetrics, paperModelMetrics } from "../experiment/paperReplication.js";
import { PAPER_MODES } from "../experiment/paperTeamModel.js";
import { writeFileAtomic } from "../experiment/ResultsFile.js";
import {
  PAPER_TEAM_SIZES,
  predictCells,
  type ReplicationCell,
  rowsByModel,
} from "../experiment/replicatePaper.js";
import { packageRoot } from "../scenario/packageRoot.js";
import { type CoordinationParams, readCoordination } from "../scenario/readCoordination.js";
import { readPaperData } from "../scenario/readPaperData.js";
import { readPaperTasks } from "../scenario/readPaperTasks.js";
import { replicationSpec } from "../viz/replicationSpec.js";
import { figureFormat, writeFigure } from "../viz/writeFigure.js";
import { stableJson } from "./stableJson.js";
import { stepProgress } from "./stepProgress.js";

/** The experiments `replicate` knows. */
export const EXPERIMENTS = ["paper"] as const;
/** Most replicates per cell `replicate` runs (90 cells per model). */
export const MAX_REPLICATES = 2000;

interface ReplicateFlags {
  data: string;
  calibrateOn: string;
  coordination?: string;
  model?: string[];
  replicates: string;
  leaveOneOut?: boolean;
  fitCoordination?: string;
  json?: boolean;
  metrics?: boolean;
  params?: boolean;
  output?: string;
  quiet?: boolean;
  yes?: boolean;
}

const fmt = (v: number | undefined, digits = 2) =>
  v === undefined || !Number.isFinite(v) ? "-" : v.toFixed(digits);

/** The project's copy of the paper's data, and the shipped coordination fit. */
export const PAPER_DATA = "data/paper-llm-teams";
export const PAPER_COORDINATION = "models/coordination/paper-teams.yaml";

/** `teamsim replicate paper`: predicts the paper's team experiment from single-agent runs and compares with what was observed. */
export function registerReplicateCommand(program: Command): void {
  program
    .command("replicate")
    .description(
      "replicate the paper's LLM-team experiment: fit each model on its single-agent runs, simulate teams of 1-5, compare with observed runs",
    )
    .argument("<experiment>", `the experiment (${EXPERIMENTS.join(", ")})`)
    .option(
      "--data <dir>",
      "runs.csv, calls.csv and rounds.csv in the paper's layout (tasks.json too, or the project's copy is used)",
      PAPER_DATA,
    )
    .option(
      "--calibrate-on <rows>",
      "single: each model's own parameters from its n = 1 runs only, coordination from the shipped fit; all: coordination refitted on the team runs in --data too",
      "single",
    )
    .option("--coordination <file>", `coordination parameters (default: ${PAPER_COORDINATION})`)
    .option("--model <name...>", "only these models of --data")
    .option("--replicates <n>", "simulated runs per cell", "50")
    .option(
      "--leave-one-out",
      "for each model in --data: coordination fitted on the other models' team runs, the model on its own single-agent runs; prints the fit metrics per held-out model",
    )
    .option(
      "--fit-coordination <file>",
      "fit the coordination parameters on the team runs in --data and write them to <file> (YAML)",
    )
    .option(
      "--json",
      "print an array of cells: model, mode, task_suite, p, n_agents, predicted_speedup, predicted_success, predicted_tokens, observed_* where known, amdahl_speedup",
    )
    .option(
      "--params",
      "print the fitted parameters of each model (and the coordination used), with their sources, instead of simulating (YAML; JSON with --json)",
    )
    .option(
      "--metrics",
      "with --json: print the fit metrics of each model (teamsim and Amdahl alone) instead of the cells",
    )
    .option(
      "-o, --output <file>",
      "draw predicted against observed speedup per cell (.svg, .png or .html)",
    )
    .option("-q, --quiet", "no progress bar")
    .option("-y, --yes", YES_HELP)
    .addHelpText(
      "after",
      `
Cells are model x mode (preassigned, decentralized) x suite x p x n = 1..5;
speedup is the median wall clock of n = 1 over that of n, as in the paper.
Fit metrics are over cells with n >= 2 that have observed runs, beside the
same metrics for Amdahl's law 1/((1-p) + p/n) alone.

Examples:
  teamsim replicate paper
  teamsim replicate paper --leave-one-out --replicates 30
  teamsim replicate paper --data my-runs/ --calibrate-on single --json -o replication.svg
  teamsim replicate paper --fit-coordination ${PAPER_COORDINATION}`,
    )
    .action(async (experiment: string, flags: ReplicateFlags) => {
      if (!(EXPERIMENTS as readonly string[]).includes(experiment)) {
        throw new InputError(
          "replicate",
          "",
          undefined,
          undefined,
          `an experiment (${EXPERIMENTS.join(", ")})`,
          JSON.stringify(experiment),
        );
      }
      if (flags.calibrateOn !== "single" && flags.calibrateOn !== "all") {
        throw new InputError(
          "--calibrate-on",
          "",
          undefined,
          undefined,
          "single or all",
          JSON.stringify(flags.calibrateOn),
        );
      }
      const replicates = Number(flags.replicates);
      if (!Number.isInteger(replicates) || replicates < 1 || replicates > MAX_REPLICATES) {
        throw new InputError(
          "--replicates",
          "",
          undefined,
          undefined,
          `a whole number from 1 to ${MAX_REPLICATES}`,
          JSON.stringify(flags.replicates),
        );
      }
      if (flags.output !== undefined) figureFormat(flags.output);
      const root = packageRoot();
      const dataDir = flags.data === PAPER_DATA ? join(root, PAPER_DATA) : flags.data;
      const dataName = flags.data;
      const data = readPaperData(dataDir);
      if (data.rounds.length === 0) {
        throw new InputError(
          join(flags.data, "rounds.csv"),
          "",
          undefined,
          undefined,
          "rounds.csv (the edits of each round calibrate the latency of a call)",
          "no such file",
        );
      }
      const tasksFile = existsSync(join(dataDir, "tasks.json"))
        ? join(dataDir, "tasks.json")
        : join(root, PAPER_DATA, "tasks.json");
      const suites = readPaperTasks(tasksFile);
      let rows = rowsByModel(data);
      if (flags.model !== undefined) {
        const unknown = flags.model.filter((m) => !rows.some((r) => r.model === m));
        if (unknown.length > 0) {
          throw new InputError(
            "--model",
            "",
            undefined,
            undefined,
            `a model of ${flags.data} (${rows.map((r) => r.model).join(", ")})`,
            unknown.join(", "),
          );
        }
        rows = rows.filter((r) => flags.model?.includes(r.model));
      }
      const quiet = flags.quiet === true || flags.json === true;
      // Refuse a runaway job before the fits (docs/limits.md).
      const cellCount = PAPER_MODES.length * suites.length * PAPER_TEAM_SIZES.length;
      if (flags.params !== true && flags.fitCoordination === undefined)
        guardWork(replicateEstimate(rows.length, cellCount, replicates), "--replicates", flags);

      if (flags.fitCoordination !== undefined) {
        const bar = stepProgress(
          "fitting coordination",
          rows.length + COORDINATION_GRID_SIZE,
          quiet,
        );
        const models = rows.map((r) => {
          const params = fitPaperModel(r, suites, dataName);
          bar.tick(`fitted ${r.model}`);
          return { params, rows: r };
        });
        const coord = fitCoordination(models, suites, dataName, () => bar.tick());
        bar.stop();
        const text = `# Coordination parameters of the paper's LLM teams (see src/scenario/readCoordination.ts).\n# Regenerate: teamsim replicate paper --data ${flags.data} --fit-coordination ${flags.fitCoordination}\n${stringify(coord, { lineWidth: 100 })}`;
        try {
          writeFileAtomic(flags.fitCoordination, text);
        } catch (e) {
          throw new InputError(
            flags.fitCoordination,
            "",
            undefined,
            undefined,
            "a writable file",
            String((e as NodeJS.ErrnoException).code ?? (e as Error).message),
          );
        }
        process.stdout.write(flags.json ? `${stableJson(coord)}\n` : text);
        return;
      }

      const cells: ReplicationCell[] = [];
      const metrics: PaperModelMetrics[] = [];
      const perModel = PAPER_MODES.length * suites.length * PAPER_TEAM_SIZES.length;
      if (flags.leaveOneOut === true) {
        if (rows.length < 2) {
          throw new InputError(
            flags.data,
            "",
            undefined,
            undefined,
            "runs of two or more models (to leave one out)",
            rows.length === 1 ? `only ${rows[0].model}` : "none",
          );
        }
        const bar = stepProgress(
          "leave-one-out",
          rows.length * (1 + COORDINATION_GRID_SIZE + perModel),
          quiet,
        );
        const fitted = rows.map((r) => {
          const params = fitPaperModel(r, suites, dataName);
          bar.tick(`fitted ${r.model}`);
          return { params, rows: r };
        });
        for (const held of fitted) {
          const others = fitted.filter((f) => f !== held);
          const coord = fitCoordination(others, suites, dataName, () => bar.tick());
          const got = predictCells(held.params, coord, suites, replicates, rows, () => bar.tick());
          cells.push(...got);
          const coordination = `fitted on ${others.map((o) => o.params.model).join(", ")}`;
          metrics.push(paperModelMetrics(held.params.model, coordination, got, held.rows));
        }
        bar.stop();
      } else {
        let coord: CoordinationParams;
        let coordName: string;
        // One step per model fitted on its single-agent runs, per grid point, per cell
        // (no cells with --params, which stops after the fits).
        const cellsPerModel = flags.params === true ? 0 : perModel;
        const steps =
          rows.length * (1 + cellsPerModel) +
          (flags.calibrateOn === "all" ? COORDINATION_GRID_SIZE : 0);
        const bar = stepProgress("replicate", steps, quiet);
        const fitted = rows.map((r) => {
          const params = fitPaperModel(r, suites, dataName);
          bar.tick(`fitted ${r.model}`);
          return { params, rows: r };
        });
        if (flags.calibrateOn === "all") {
          coord = fitCoordination(fitted, suites, dataName, () => bar.tick());
          coordName = `fitted on the team runs of ${rows.map((r) => r.model).join(", ")} in ${flags.data}`;
        } else {
          const file = flags.coordination ?? join(root, PAPER_COORDINATION);
          coord = readCoordination(file);
          coordName = flags.coordination ?? PAPER_COORDINATION;
        }
        if (flags.params === true) {
          bar.stop();
          const doc = { models: fitted.map((f) => f.params), coordination: coord };
          process.stdout.write(
            flags.json ? `${stableJson(doc)}\n` : stringify(doc, { lineWidth: 100 }),
          );
          return;
        }
        for (const f of fitted) {
          const got = predictCells(f.params, coord, suites, replicates, rows, () => bar.tick());
          cells.push(...got);
          metrics.push(paperModelMetrics(f.params.model, coordName, got, f.rows));
        }
        bar.stop();
      }

      if (flags.json) {
        process.stdout.write(`${stableJson(flags.metrics ? metrics : cells)}\n`);
      } else {
        process.stdout.write(formatReplication(cells, metrics));
      }
      if (flags.output !== undefined) {
        const points = cells
          .filter((c) => c.n_agents >= 2 && c.observed_speedup !== undefined)
          .map((c) => ({
            model: c.model,
            mode: c.mode,
            task_suite: c.task_suite,
            p: c.p,
            n_agents: c.n_agents,
            predicted: c.predicted_speedup,
            observed: c.observed_speedup as number,
          }));
        const spec = replicationSpec(points, {
          title: "The paper's team experiment: predicted vs observed speedup",
          xTitle: "observed speedup (median of n = 1 / median of n)",
          yTitle: "predicted speedup",
        });
        await writeFigure(spec, flags.output);
      }
    });
}

/** The readable replication: per model a table of speedups (predicted, observed in brackets), then the fit metrics. */
export function formatReplication(
  cells: readonly ReplicationCell[],
  metrics: readonly PaperModelMetrics[],
): string {
  const out: string[] = [];
  for (const m of metrics) {
    const mine = cells.filter((c) => c.model === m.model);
    out.push(`${m.model}: speedup predicted (observed); coordination ${m.coordination}`);
    const table = new Table({
      head: [
        "mode",
        "suite",
        "p",
        ...PAPER_TEAM_SIZES.slice(1).map((n) => `n=${n}`),
        "success n=5",
        "tokens n=1 -> 5",
      ],
      style: { head: [], border: [], compact: true },
      colAligns: ["left", "left", "right", "right", "right", "right", "right", "right", "right"],
    });
    const keys = [...new Set(mine.map((c) => `${c.mode}|${c.task_suite}|${c.p}`))];
    for (const key of keys) {
      const row = mine.filter((c) => `${c.mode}|${c.task_suite}|${c.p}` === key);
      const [mode, suite, p] = key.split("|");
      const at = (n: number) => row.find((c) => c.n_agents === n);
      const last = at(5);
      const first = at(1);
      table.push([
        mode,
        suite,
        p,
        ...PAPER_TEAM_SIZES.slice(1).map((n) => {
          const c = at(n);
          return c === undefined ? "-" : `${fmt(c.predicted_speedup)} (${fmt(c.observed_speedup)})`;
        }),
        `${fmt(last?.predicted_success)} (${fmt(last?.observed_success)})`,
        `${kilo(first?.predicted_tokens)} -> ${kilo(last?.predicted_tokens)} (${kilo(first?.observed_tokens)} -> ${kilo(last?.observed_tokens)})`,
      ]);
    }
    out.push(table.toString());
    const fit = new Table({
      head: [`fit over ${m.teamsim.cells} cells with n >= 2`, "teamsim", "Amdahl alone"],
      style: { head: [], border: [], compact: true },
      colAligns: ["left", "right", "right"],
    });
    fit.push(
      ["Spearman (predicted, observed speedup)", fmt(m.teamsim.spearman), fmt(m.amdahl.spearman)],
      [
        'accuracy of "the team is faster"',
        fmt(m.teamsim.team_faster_accuracy),
        fmt(m.amdahl.team_faster_accuracy),
      ],
      [
        "median |log(predicted / observed)|",
        fmt(m.teamsim.median_abs_log_error),
        fmt(m.amdahl.median_abs_log_error),
      ],
    );
    out.push(
      fit.toString(),
      `The data's own split-half Spearman (speedups from even vs odd repetitions): ${fmt(m.split_half_spearman)}`,
      "",
    );
  }
  return `${out.join("\n")}`;
}

function kilo(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return "-";
  return v >= 1e6 ? `${(v / 1e6).toFixed(1)}M` : `${Math.round(v / 1000)}k`;
}
