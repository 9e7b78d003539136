import { availableParallelism } from "node:os";
import { type Command, CommanderError } from "commander";
import { InputError } from "../core/InputError.js";
import {
  estimateRuns,
  guardWork,
  sweepEstimate,
  type WorkEstimate,
  YES_HELP,
} from "../experiment/estimateWork.js";
import { makeOutputDir } from "../experiment/outputPath.js";
import { parseSweepFormat } from "../experiment/parquetFiles.js";
import { runSweep, type SweepReport } from "../experiment/runSweep.js";
import { resolveShard } from "../experiment/Shard.js";
import { sweepAxes } from "../experiment/SweepAxis.js";
import { buildSweepManifest } from "../experiment/SweepManifest.js";
import { sweepPlan } from "../experiment/SweepPlan.js";
import { loadScenario } from "../scenario/loadScenario.js";
import { writeDefaultSweepFigures } from "../viz/sweepFigure.js";
import { collect } from "./collect.js";
import { interruptExitCode, restoreTerminal, shellCommand, withInterrupts } from "./interrupts.js";
import { stableJson } from "./stableJson.js";
import { sweepProgress } from "./sweepProgress.js";
import { terminalText } from "./terminalText.js";

interface SweepFlags {
  out: string;
  sweep?: string[];
  set?: string[];
  workers?: string;
  shard?: string;
  resume?: boolean;
  quiet?: boolean;
  format?: string;
  json?: boolean;
  plot?: boolean;
  yes?: boolean;
}

/** `teamsim sweep SCENARIO --out DIR`: the grid of the sweep block x replicates, into DIR. */
export function registerSweepCommand(program: Command): void {
  program
    .command("sweep")
    .description(
      "run every point of a scenario's sweep block (x replicates) in parallel, into a results directory",
    )
    .argument("<scenario>", "scenario file (YAML or JSON)")
    .requiredOption(
      "--out <dir>",
      "results directory (results.jsonl, summary.csv/json, manifest.json)",
    )
    .option(
      "--sweep <path=v1,v2,...>",
      "add or replace a sweep axis (dotted path, YAML values; repeatable)",
      collect,
      [],
    )
    .option("--set <path=value>", "override a scenario field (repeatable)", collect, [])
    .option("--workers <n>", "worker threads (default: the machine's cores)")
    .option(
      "--shard <i/n>",
      "run the i-th of n slices (default: from SLURM_ARRAY_TASK_ID/COUNT or JOB_COMPLETION_INDEX + TEAMSIM_SHARDS)",
    )
    .option(
      "--resume",
      "continue a sweep in DIR, skipping the runs already there (damaged lines are reported and rerun); with more replicates or more axis values, extend it",
    )
    .option("-q, --quiet", "no progress output")
    .option("--json", "print a JSON document about the sweep when done")
    .option("--plot", "also write the default figures to DIR/figures/*.svg")
    .option(
      "--format <jsonl|parquet>",
      "parquet also writes results.parquet and summary.parquet (results.jsonl is always written)",
      "jsonl",
    )
    .option("-y, --yes", YES_HELP)
    .addHelpText(
      "after",
      `
Examples:
  teamsim sweep scenarios/team-vs-single.yaml --out runs/tvs
  teamsim sweep scenarios/quickstart.yaml --out runs/q --sweep agents.count=1,3,5,7 --workers 4
  teamsim sweep scenarios/team-vs-single.yaml --out runs/tvs-2 --shard 2/8
  teamsim sweep scenarios/team-vs-single.yaml --out runs/tvs --resume
  teamsim merge runs/tvs-* --out runs/tvs`,
    )
    .action(async (file: string, flags: SweepFlags) => {
      const loaded = loadScenario(file, { sets: flags.set ?? [] });
      const axes = sweepAxes(loaded.scenario.sweep, flags.sweep ?? []);
      // Each point's work, estimated as it is planned (every point runs plan.replicates).
      const work: WorkEstimate[] = [];
      const replicates = loaded.scenario.replicates;
      const plan = sweepPlan(loaded, axes, {
        onPoint: (_p, at) => work.push(estimateRuns(at.scenario, { replicates, baseline: true })),
      });
      const shard = resolveShard(flags.shard, process.env);
      guardWork(sweepEstimate(work, shard === undefined ? 1 : 1 / shard.count), file, flags);
      let workers = availableParallelism();
      if (flags.workers !== undefined) {
        workers = Number(flags.workers);
        if (!Number.isInteger(workers) || workers < 1) {
          throw new InputError(
            "--workers",
            "",
            undefined,
            undefined,
            "an integer >= 1",
            JSON.stringify(flags.workers),
          );
        }
        // Threads beyond the CPUs only add memory (each holds the whole job): cap them.
        const cpus = availableParallelism();
        if (workers > cpus) {
          process.stderr.write(
            `teamsim: warning: --workers ${workers} is more than the ${cpus} CPUs; using ${cpus}\n`,
          );
          workers = cpus;
        }
      }
      const manifest = buildSweepManifest(loaded, axes, plan, {
        shard: shard ?? null,
        command: ["teamsim", ...process.argv.slice(2)],
        format: parseSweepFormat(flags.format ?? "jsonl"),
      });
      // Before any work: a --out that cannot hold the results is named now, not after the runs.
      makeOutputDir(flags.out, `--out ${flags.out}`);
      const progress = sweepProgress(flags.quiet === true);
      let run: Awaited<ReturnType<typeof withInterrupts<SweepReport>>>;
      try {
        run = await withInterrupts(
          (signal) =>
            runSweep({
              dir: flags.out,
              plan,
              manifest,
              shard,
              workers,
              resume: flags.resume === true,
              resolved: loaded.scenario,
              onProgress: progress.update,
              onWarning: (w) => process.stderr.write(`teamsim: warning: ${terminalText(w)}\n`),
              signal,
            }),
          restoreTerminal,
        );
      } finally {
        progress.stop();
      }
      const { interrupted, saved, total, dropped, extended, ...outcome } = run.value;
      if (interrupted && run.interrupted !== undefined) {
        // Ctrl-C or kill: what is saved stays, and the same command with --resume finishes it.
        const args = process.argv.slice(2);
        const again = shellCommand(["teamsim", ...args, ...(flags.resume ? [] : ["--resume"])]);
        process.stderr.write(
          `teamsim: interrupted: ${saved} of ${total} runs saved in ${terminalText(flags.out)}; resume with: ${terminalText(again)}\n`,
        );
        throw new CommanderError(interruptExitCode(run.interrupted), "teamsim.interrupted", "");
      }
      const figures = flags.plot ? await writeDefaultSweepFigures(flags.out, axes) : undefined;
      const doc = {
        out: flags.out,
        scenario: manifest.scenario_name,
        scenario_hash: manifest.scenario_hash,
        points: manifest.points,
        replicates: manifest.replicates,
        shard: manifest.shard,
        workers,
        ...outcome,
        // Only when they happened, so the usual document stays as it was.
        ...(dropped > 0 ? { dropped } : {}),
        ...(extended ? { extended } : {}),
        ...(figures === undefined ? {} : { figures }),
      };
      if (flags.json) process.stdout.write(`${stableJson(doc)}\n`);
      else if (!flags.quiet) {
        process.stdout.write(
          `sweep ${terminalText(manifest.scenario_name)}: ${outcome.results} results in ${terminalText(flags.out)} (${outcome.ran} run, ${outcome.skipped} already there)\n`,
        );
      }
    });
}
