import { type Command, CommanderError } from "commander";
import { contextOverflowWarnings } from "../agents/contextOverflow.js";
import { estimateRuns, guardWork, YES_HELP } from "../experiment/estimateWork.js";
import { JsonlFileTrace } from "../experiment/JsonlFileTrace.js";
import { replicateNumber } from "../experiment/replicateNumber.js";
import { type RunReport, runScenario } from "../experiment/runScenario.js";
import { type PoolRun, runScenarioOnPool } from "../experiment/runScenarioOnPool.js";
import { profilesOf } from "../runtime/World.js";
import { loadScenario } from "../scenario/loadScenario.js";
import { collect } from "./collect.js";
import { takeRunPool } from "./earlyPool.js";
import { formatReport } from "./formatReport.js";
import {
  type Interrupt,
  interruptExitCode,
  restoreTerminal,
  withInterrupts,
} from "./interrupts.js";
import { stableJson } from "./stableJson.js";
import { stepProgress } from "./stepProgress.js";
import { workerCount } from "./workerCount.js";

interface RunFlags {
  json?: boolean;
  seed?: string;
  set?: string[];
  trace?: string;
  replicate?: string;
  workers?: string;
  quiet?: boolean;
  yes?: boolean;
}

/** `teamsim run SCENARIO`: runs one configuration's replicates and prints the summary. */
export function registerRunCommand(program: Command): void {
  program
    .command("run")
    .description(
      "run a scenario's replicates (one configuration; its sweep block is ignored) and summarize them",
    )
    .argument("<scenario>", "scenario file (YAML or JSON)")
    .option("--json", "print the output-contract JSON document instead of the table")
    .option("--seed <n>", "override the scenario's seed")
    .option(
      "--set <path=value>",
      "override a scenario field (dotted path, YAML value; repeatable)",
      collect,
      [],
    )
    .option("--trace <file>", "write the event trace of the first replicate as JSON lines")
    .option(
      "--replicate <r>",
      "run only replicate r (0-based; e.g. to reproduce a reported violation with its trace)",
    )
    .option(
      "--workers <n>",
      "worker threads for the replicates (default 1; auto: every CPU); the output is the same for any n",
    )
    .option("-q, --quiet", "no progress bar")
    .option("-y, --yes", YES_HELP)
    .addHelpText(
      "after",
      `
Examples:
  teamsim run scenarios/quickstart.yaml
  teamsim run scenarios/quickstart.yaml --set agents.count=9 --set replicates=200 --json
  teamsim run scenarios/debate.yaml --set replicates=400 --workers 2
  teamsim run scenarios/quickstart.yaml --seed 7 --trace trace.jsonl
  teamsim run scenarios/pbft-byzantine.yaml --set agents.count=3 --replicate 1 --trace t.jsonl`,
    )
    .action(async (file: string, flags: RunFlags) => {
      const sets = [...(flags.set ?? [])];
      if (flags.seed !== undefined) sets.push(`seed=${flags.seed}`);
      const loaded = loadScenario(file, { sets });
      let only: number | undefined;
      if (flags.replicate !== undefined)
        only = replicateNumber(flags.replicate, loaded.scenario.replicates);
      const workers = workerCount(flags.workers, 1);
      // Refuse a runaway job before it starts (docs/limits.md).
      const replicates = only === undefined ? undefined : 1;
      guardWork(estimateRuns(loaded.scenario, { replicates, baseline: true }), file, flags);
      const trace = flags.trace
        ? new JsonlFileTrace(flags.trace, `--trace ${flags.trace}`)
        : undefined;
      // After every check that can refuse the run: a refusal is one line.
      const members = profilesOf(loaded.scenario.agents, loaded.profiles);
      for (const warning of contextOverflowWarnings(loaded.scenario.task, members))
        process.stderr.write(`teamsim: warning: ${warning}\n`);
      if (loaded.scenario.sweep !== undefined && !flags.quiet) {
        process.stderr.write(
          "teamsim: note: `run` runs one configuration; the scenario's sweep block is ignored\n",
        );
      }
      const total = only === undefined ? loaded.scenario.replicates : 1;
      const bar = stepProgress("replicates", total, flags.quiet === true || total <= 1);
      const print = (report: RunReport) =>
        process.stdout.write(flags.json ? `${stableJson(report)}\n` : `${formatReport(report)}\n`);
      if (workers <= 1 || total <= 1) {
        // One replicate (--replicate r) or one worker: this thread runs them.
        try {
          const { report } = runScenario(loaded, {
            trace,
            only,
            onProgress: (done) => bar.update(done),
          });
          bar.stop();
          trace?.close();
          print(report);
        } catch (e) {
          bar.stop();
          trace?.abort();
          throw e;
        }
        return;
      }
      let run: PoolRun;
      let interrupted: Interrupt | undefined;
      try {
        // The main thread waits on the workers, so Ctrl-C and kill are heard at once.
        ({ value: run, interrupted } = await withInterrupts(
          (signal) =>
            runScenarioOnPool(loaded, {
              workers,
              trace,
              onProgress: (done) => bar.update(done),
              signal,
              // Threads started with the process (bin/teamsim.js), if it saw --workers.
              pool: takeRunPool,
            }),
          () => trace?.abort(),
        ));
      } catch (e) {
        bar.stop();
        trace?.abort();
        throw e;
      }
      bar.stop();
      // A signal after the last replicate stops nothing: the report is printed.
      if (run.report === undefined) {
        trace?.abort();
        restoreTerminal();
        // A summary of some replicates would not be this run's: nothing is printed.
        process.stderr.write(
          `teamsim: interrupted: ${run.done} of ${total} replicates done; nothing printed\n`,
        );
        throw new CommanderError(
          interruptExitCode(interrupted ?? "SIGINT"),
          "teamsim.interrupted",
          "",
        );
      }
      trace?.close();
      print(run.report);
    });
}
