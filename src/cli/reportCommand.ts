import { statSync } from "node:fs";
import type { Command } from "commander";
import { InputError } from "../core/InputError.js";
import { isOsError, osInputError } from "../core/osError.js";
import {
  buildScenarioReport,
  buildSweepReport,
  MAX_REPORT_EVENTS,
  type ReportData,
} from "../experiment/buildReport.js";
import { checkOutputFile } from "../experiment/outputPath.js";
import { writeFileAtomic } from "../experiment/ResultsFile.js";
import { reportHtml } from "../viz/reportHtml.js";
import { collect } from "./collect.js";
import { formatReport } from "./formatReport.js";
import { type StepProgress, stepProgress } from "./stepProgress.js";

interface ReportFlags {
  output: string;
  seed?: string;
  set?: string[];
  replicate?: string;
  from?: string;
  to?: string;
  quiet?: boolean;
}

/** `teamsim report SCENARIO|SWEEP_DIR -o report.html`: one self-contained HTML report of a run. */
export function registerReportCommand(program: Command): void {
  program
    .command("report")
    .description(
      "write one self-contained HTML report: scenario, summary, verdicts, figures and a space-time (Lamport) diagram of one replicate",
    )
    .argument("<input>", "a scenario file (YAML or JSON) or a sweep directory")
    .requiredOption("-o, --output <file>", "the report file (.html)")
    .option("--seed <n>", "override the scenario's seed")
    .option(
      "--set <path=value>",
      "override a scenario field (dotted path, YAML value; repeatable)",
      collect,
      [],
    )
    .option("--replicate <r>", "the replicate drawn in the diagram (0-based; default 0)")
    .option("--from <s>", "draw the diagram from this simulated time (seconds)")
    .option("--to <s>", "draw the diagram up to this simulated time (seconds)")
    .option("-q, --quiet", "no progress bar")
    .addHelpText(
      "after",
      `
A scenario is run like \`teamsim run\` (every replicate, for the summary and
the figures); one replicate is traced again and drawn as a space-time diagram:
one lane per agent, LLM calls as bars, messages as arrows from send to
delivery, dropped and held messages, crashes and recoveries, partitions,
leader terms, views, commits, decisions and failure-detector suspicions. The
page zooms (wheel or buttons), pans (drag), shows a time window and filters
message kinds; hovering an element tells what it is.

A sweep directory (from \`teamsim sweep\`) gives its summary table and scaling
figures, and the diagram of its first point.

The page inlines everything it needs (vega for the figures, a small script for
the diagram) and fetches nothing. A diagram keeps at most ${MAX_REPORT_EVENTS} trace events:
beyond them it stops early, with a note; --from/--to choose another window.

Examples:
  teamsim report scenarios/raft-failover.yaml -o raft.html
  teamsim report scenarios/raft-failover.yaml --replicate 3 --from 15 --to 30 -o failover.html
  teamsim report runs/q -o sweep.html`,
    )
    .action((input: string, flags: ReportFlags) => {
      checkOutputFile(flags.output, `-o ${flags.output}`);
      const sets = [...(flags.set ?? [])];
      if (flags.seed !== undefined) sets.push(`seed=${flags.seed}`);
      const replicate = flags.replicate === undefined ? 0 : Number(flags.replicate);
      if (flags.replicate !== undefined && !/^\s*\d+\s*$/.test(flags.replicate)) {
        throw new InputError(
          "--replicate",
          "",
          undefined,
          undefined,
          "a replicate number (0, 1, ...)",
          JSON.stringify(flags.replicate),
        );
      }
      const from = seconds(flags.from, "--from");
      const to = seconds(flags.to, "--to");
      if (from !== undefined && to !== undefined && !(to > from)) {
        throw new InputError(
          "--to",
          "",
          undefined,
          undefined,
          `a time after --from ${from}`,
          String(to),
        );
      }
      let data: ReportData;
      if (isDirectory(input)) {
        data = buildSweepReport(input, { sets, replicate, from, to });
      } else {
        // The replicate count is known once the scenario is loaded: the bar starts at the first one.
        let bar: StepProgress | undefined;
        try {
          data = buildScenarioReport(input, {
            sets,
            replicate,
            from,
            to,
            onProgress: (done, total) => {
              bar ??= stepProgress("replicates", total, flags.quiet === true || total <= 1);
              bar.update(done);
            },
          });
        } finally {
          bar?.stop();
        }
      }
      const html = reportHtml(data, {
        summaryText: data.run ? formatReport(data.run.report) : undefined,
        from,
        to,
      });
      try {
        writeFileAtomic(flags.output, html);
      } catch (e) {
        if (isOsError(e)) throw osInputError(`-o ${flags.output}`, "a file teamsim can write", e);
        throw e;
      }
      const t = data.traced;
      const kept = Math.min(t.total, t.cap);
      process.stdout.write(
        `wrote ${flags.output}: ${data.name}, diagram of replicate ${t.replicate} (${kept} events${t.total > t.cap ? ` of ${t.total}, cut` : ""})\n`,
      );
    });
}

function seconds(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (text.trim() === "" || !Number.isFinite(v) || v < 0) {
    throw new InputError(
      flag,
      "",
      undefined,
      undefined,
      "a time in seconds (>= 0)",
      JSON.stringify(text),
    );
  }
  return v;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    // Missing: loadScenario names it.
    return false;
  }
}
