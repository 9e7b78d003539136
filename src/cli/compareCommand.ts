import Table from "cli-table3";
import type { Command } from "commander";
import { InputError } from "../core/InputError.js";
import {
  type CompareReport,
  checkMaxN,
  compareLaw,
  DEFAULT_MAX_N,
} from "../experiment/compareLaw.js";
import { guardWork, YES_HELP } from "../experiment/estimateWork.js";
import { loadScenario } from "../scenario/loadScenario.js";
import { compareSpec } from "../viz/compareSpec.js";
import { figureFormat, writeFigure } from "../viz/writeFigure.js";
import { collect } from "./collect.js";
import { stableJson } from "./stableJson.js";
import { type StepProgress, stepProgress } from "./stepProgress.js";

interface CompareFlags {
  law: string;
  set?: string[];
  maxN?: string;
  json?: boolean;
  output?: string;
  quiet?: boolean;
  yes?: boolean;
}

/** `teamsim compare SCENARIO --law LAW`: a closed form against the simulated metric, per team size. */
export function registerCompareCommand(program: Command): void {
  program
    .command("compare")
    .description(
      "theory against simulation: run the scenario at each team size and compare the simulated metric (mean, 95% CI) with a law whose parameters come from the scenario",
    )
    .argument("<scenario>", "scenario file (YAML or JSON)")
    .requiredOption("--law <name>", "the law to compare with (see `teamsim curve --help`)")
    .option(
      "--set <path=value>",
      "override a scenario field (dotted path, YAML value; repeatable)",
      collect,
      [],
    )
    .option(
      "--max-n <n>",
      `team sizes 1..n when the scenario's sweep block has no agents.count (default ${DEFAULT_MAX_N})`,
    )
    .option("--json", "print the comparison as one JSON document")
    .option("-o, --output <file>", "also draw the comparison (.svg, .png or .html)")
    .option("-q, --quiet", "no progress line")
    .option("-y, --yes", YES_HELP)
    .addHelpText(
      "after",
      `
The team sizes are the scenario's sweep.agents.count values, or 1..--max-n.
Each point is within_ci when the law's value lies inside the 95% confidence
interval of the simulated mean; the exit code is 0 either way (the verdict is
in the output: "agree"). A scenario the law does not describe (another
protocol, aggregation or difficulty, faults) is an error (exit 2).

Mappings (the law's parameters, from the scenario -> the metric compared):
  vote                   independent majority (or single), difficulty fixed p
                         shifted by the model's skill -> accuracy
  vote-beta              same, difficulty beta a, b (skill 0 only) -> accuracy
  vote-mixture           same, difficulty mixture (or fixed) -> accuracy
  independent-cost       independent (or single): items, mean prompt and output
                         tokens, the model's prices -> cost_usd
  tokens                 debate (rounds) or independent/single (star, 0 rounds):
                         mean prompt and output tokens -> tokens (x items)
  messages               debate: all-to-all, its rounds -> messages (x items,
                         + n final answers per item to the coordinator)
  amdahl                 workgraph parallel_fraction; leader-worker (n - 1
                         workers), decentralized or single -> speedup
  work-span              mean work and critical path of the replicates' graphs
                         (an upper bound: see bound_holds) -> speedup
  leader-worker-speedup  leader-worker on a workgraph: subtasks,
                         parallel_fraction -> speedup
  The others (straggler-max, quorum-wait, hedge, quorum, raft, bft, usl,
  gustafson) have no mapping; compare says why.

Examples:
  teamsim compare scenarios/voting-mixture.yaml --law vote-mixture
  teamsim compare scenarios/voting-mixture.yaml --law vote-mixture --set replicates=50 -o cmp.svg
  teamsim compare scenarios/law-speedup.yaml --law work-span --json`,
    )
    .action(async (file: string, flags: CompareFlags) => {
      const maxN =
        flags.maxN === undefined ? undefined : checkMaxN(positiveInt("--max-n", flags.maxN));
      // Check the figure's path before minutes of simulation, not after.
      if (flags.output !== undefined) figureFormat(flags.output);
      const loaded = loadScenario(file, { sets: flags.set ?? [] });
      // The number of team sizes is known at the first one.
      let progress: StepProgress | undefined;
      let report: CompareReport;
      try {
        report = compareLaw(loaded, flags.law, {
          maxN,
          guard: (work) => guardWork(work, file, flags),
          onPoint: (i, total, n) => {
            progress ??= stepProgress("compare: team sizes", total, flags.quiet === true);
            progress.update(i, `n = ${n}`);
          },
        });
        progress?.update(report.points.length);
      } finally {
        progress?.stop();
      }
      process.stdout.write(flags.json ? `${stableJson(report)}\n` : `${formatCompare(report)}\n`);
      if (flags.output !== undefined) {
        const spec = compareSpec(
          report.points.map((p) => ({
            n: p.n,
            simulated: p.simulated,
            lo: p.ci95[0],
            hi: p.ci95[1],
            theory: p.theory,
          })),
          {
            title: `${report.scenario}: ${report.law} against simulation`,
            xTitle: "team size n",
            yTitle: report.metric,
          },
        );
        await writeFigure(spec, flags.output);
      }
    });
}

/** The human-readable comparison: a header, a table n | simulated | 95% CI | theory | within, a verdict. */
export function formatCompare(report: CompareReport): string {
  const params = Object.entries(report.params)
    .map(([k, v]) => `${k}=${typeof v === "number" ? fmt(v) : JSON.stringify(v)}`)
    .join(", ");
  const head =
    `${report.scenario}: law ${report.law} (${params}) against simulated ${report.metric}, ` +
    `${report.replicates} replicates per team size`;
  const table = new Table({
    head: ["n", "simulated", "95% CI", "theory", "within"],
    style: { head: [], border: [], compact: true },
    colAligns: ["right", "right", "right", "right", "left"],
  });
  for (const p of report.points) {
    table.push([
      String(p.n),
      fmt(p.simulated),
      `[${fmt(p.ci95[0])}, ${fmt(p.ci95[1])}]`,
      fmt(p.theory),
      p.within_ci ? "yes" : "NO",
    ]);
  }
  const inside = report.points.filter((p) => p.within_ci).length;
  const verdict = report.agree
    ? `agree: the law lies inside every 95% CI (${inside}/${report.points.length})`
    : `disagree: the law lies outside the 95% CI at ${report.points.length - inside} of ${report.points.length} team sizes`;
  const bound =
    report.bound_holds === undefined
      ? []
      : [
          report.bound_holds
            ? "the law is an upper bound and it holds: no 95% CI lies wholly above it"
            : "the law is an upper bound and it FAILS: some 95% CI lies wholly above it",
        ];
  const notes = report.notes.map((n) => `note: ${n}`);
  return [head, table.toString(), verdict, ...bound, ...notes].join("\n");
}

function fmt(x: number): string {
  return Number.isFinite(x) ? Number(x.toPrecision(4)).toString() : String(x);
}

/** A positive integer option, or an InputError. */
export function positiveInt(flag: string, text: string): number {
  const v = Number(text);
  if (!Number.isInteger(v) || v < 1) {
    throw new InputError(flag, "", undefined, undefined, "an integer >= 1", JSON.stringify(text));
  }
  return v;
}
