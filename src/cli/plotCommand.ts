import type { Command } from "commander";
import { InputError } from "../core/InputError.js";
import { FIGURE_KINDS, type FigureKind, writeSweepFigure } from "../viz/sweepFigure.js";
import { figureFormat } from "../viz/writeFigure.js";
import { collect } from "./collect.js";
import { parseLawParams, requireLaw } from "./curveCommand.js";

interface PlotFlags {
  x?: string;
  y?: string;
  color?: string;
  band?: string;
  law?: string;
  param: string[];
  kind: string;
  title?: string;
  logX?: boolean;
  output: string;
}

/** `teamsim plot SUMMARY`: a figure of a sweep's results (.svg, .png or .html). */
export function registerPlotCommand(program: Command): void {
  program
    .command("plot")
    .description("draw a figure of a sweep: scaling curve, Pareto front, latency CDF or speedup")
    .argument("<summary>", "a sweep directory, or its summary.json or summary.csv")
    .option("--kind <kind>", `figure kind: ${FIGURE_KINDS.join(", ")}`, "scaling")
    .option("--x <column>", "x column (default per kind: agents.count, cost_usd.mean, makespan_s)")
    .option("--y <column>", "y column (default: accuracy.mean; speedup.mean for speedup)")
    .option("--color <column>", "one series per value of this column (e.g. team.protocol)")
    .option("--band <ci>", "shade the confidence band of the y metric (ci95)")
    .option("--law <law>", "overlay a closed-form law evaluated at the x values (scaling)")
    .option("--param <name=value>", "a law parameter (YAML value; repeatable)", collect, [])
    .option("--title <text>", "figure title")
    .option("--log-x", "a log-scaled x axis (base 2)")
    .requiredOption("-o, --output <file>", "the figure file (.svg, .png or .html)")
    .addHelpText(
      "after",
      `
Examples:
  teamsim plot runs/q --x agents.count --y accuracy.mean --band ci95 -o accuracy.svg
  teamsim plot runs/q/summary.json --x agents.count --y accuracy.mean --law vote --param p=0.62 -o vote.png
  teamsim plot runs/tvs --kind speedup -o speedup.svg
  teamsim plot runs/tvs --kind pareto --color team.protocol -o pareto.html
  teamsim plot runs/tvs --kind cdf --x makespan_s --color team.protocol -o latency.svg`,
    )
    .action(async (summary: string, flags: PlotFlags) => {
      if (!(FIGURE_KINDS as readonly string[]).includes(flags.kind)) {
        throw new InputError(
          "--kind",
          "",
          undefined,
          undefined,
          `one of ${FIGURE_KINDS.join(", ")}`,
          JSON.stringify(flags.kind),
        );
      }
      const kind = flags.kind as FigureKind;
      if (flags.band !== undefined && flags.band !== "ci95") {
        throw new InputError(
          "--band",
          "",
          undefined,
          undefined,
          "ci95",
          JSON.stringify(flags.band),
        );
      }
      if (flags.band !== undefined && kind !== "scaling") {
        throw new InputError("--band", "", undefined, undefined, "--kind scaling", kind);
      }
      if ((flags.law !== undefined || flags.param.length > 0) && kind !== "scaling") {
        throw new InputError("--law", "", undefined, undefined, "--kind scaling", kind);
      }
      if (flags.law === undefined && flags.param.length > 0) {
        throw new InputError("--param", "", undefined, undefined, "a --law to apply it to", "none");
      }
      figureFormat(flags.output);
      let theory: { label: string; value: (x: number) => number } | undefined;
      if (flags.law !== undefined) {
        const law = requireLaw(flags.law);
        const params = parseLawParams(law, flags.param);
        const given = flags.param.map((a) => a.replace(/\s*=\s*/, "=")).join(", ");
        theory = {
          label: given === "" ? law.name : `${law.name} (${given})`,
          value: (n) => law.value(n, params),
        };
      }
      await writeSweepFigure(
        summary,
        {
          kind,
          x: flags.x,
          y: flags.y,
          color: flags.color,
          band: flags.band === "ci95",
          theory,
          title: flags.title,
          logX: flags.logX,
        },
        flags.output,
      );
      process.stdout.write(`${flags.output}\n`);
    });
}
