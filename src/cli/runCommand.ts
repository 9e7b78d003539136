import { SingleBar } from "cli-progress";
import type { Command } from "commander";
import { InputError } from "../core/InputError.js";
import { JsonlFileTrace } from "../experiment/JsonlFileTrace.js";
import { runScenario } from "../experiment/runScenario.js";
import { loadScenario } from "../scenario/loadScenario.js";
import { collect } from "./collect.js";
import { formatReport } from "./formatReport.js";
import { stableJson } from "./stableJson.js";

interface RunFlags {
  json?: boolean;
  seed?: string;
  set?: string[];
  trace?: string;
  replicate?: string;
  quiet?: boolean;
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
    .option("-q, --quiet", "no progress bar")
    .addHelpText(
      "after",
      `
Examples:
  teamsim run scenarios/quickstart.yaml
  teamsim run scenarios/quickstart.yaml --set agents.count=9 --set replicates=200 --json
  teamsim run scenarios/quickstart.yaml --seed 7 --trace trace.jsonl
  teamsim run scenarios/pbft-byzantine.yaml --set agents.count=3 --replicate 1 --trace t.jsonl`,
    )
    .action((file: string, flags: RunFlags) => {
      const sets = [...(flags.set ?? [])];
      if (flags.seed !== undefined) sets.push(`seed=${flags.seed}`);
      const loaded = loadScenario(file, { sets });
      let only: number | undefined;
      if (flags.replicate !== undefined) {
        only = Number(flags.replicate);
        if (!Number.isInteger(only) || only < 0) {
          throw new InputError(
            "--replicate",
            "",
            undefined,
            undefined,
            "a replicate number >= 0",
            JSON.stringify(flags.replicate),
          );
        }
      }
      if (loaded.scenario.sweep !== undefined && !flags.quiet) {
        process.stderr.write(
          "teamsim: note: `run` runs one configuration; the scenario's sweep block is ignored\n",
        );
      }
      const trace = flags.trace ? new JsonlFileTrace(flags.trace) : undefined;
      const total = loaded.scenario.replicates;
      const bar =
        process.stderr.isTTY && !flags.quiet && total > 1
          ? new SingleBar({
              format: "replicates {bar} {value}/{total} | {percentage}% | ETA {eta_formatted}",
              stream: process.stderr,
              clearOnComplete: true,
              hideCursor: true,
            })
          : undefined;
      bar?.start(total, 0);
      try {
        const { report } = runScenario(loaded, {
          trace,
          only,
          onProgress: bar ? (done) => bar.update(done) : undefined,
        });
        bar?.stop();
        trace?.close();
        process.stdout.write(flags.json ? `${stableJson(report)}\n` : `${formatReport(report)}\n`);
      } catch (e) {
        bar?.stop();
        trace?.abort();
        throw e;
      }
    });
}
