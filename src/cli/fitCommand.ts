import type { Command } from "commander";
import { fitUsl, type UslFit, uslCapacity, uslRetrograde } from "../analytic/usl.js";
import { InputError } from "../core/InputError.js";
import { fitSpec } from "../viz/fitSpec.js";
import { figureFormat, writeFigure } from "../viz/writeFigure.js";
import { readUslCsv, type UslMeasurements } from "./readUslCsv.js";
import { stableJson } from "./stableJson.js";

/** The models `fit` knows. */
export const FIT_MODELS = ["usl"] as const;

interface FitFlags {
  json?: boolean;
  output?: string;
}

function fmt(v: number): string {
  return Number.isFinite(v) ? Number(v.toPrecision(4)).toString() : String(v);
}

/** The readable result of a USL fit. */
export function formatUslFit(file: string, data: UslMeasurements, fit: UslFit): string {
  // A peak "below n = 1" is no peak: the curve falls from the first team size on.
  const peak = uslRetrograde(fit.alpha, fit.beta)
    ? `no peak inside n >= 1: the ${data.column} falls from n = 1 on (${fit.beta > 0 ? `alpha + beta = ${fmt(fit.alpha + fit.beta)} >= 1` : `beta = 0, alpha = ${fmt(fit.alpha)} > 1`}), so n = 1 is best`
    : Number.isFinite(fit.n_star)
      ? `peak at n* = ${fmt(fit.n_star)} (speedup ${fmt(uslCapacity(fit.n_star, fit.alpha, fit.beta))})`
      : "no peak (beta = 0: the curve flattens but never falls)";
  const lines = [
    `USL fit of ${file} (${data.points.length} points, ${data.column}):`,
    `  alpha = ${fmt(fit.alpha)}  (contention)`,
    `  beta  = ${fmt(fit.beta)}  (coherency)`,
  ];
  if (fit.gamma !== undefined) lines.push(`  gamma = ${fmt(fit.gamma)}  (throughput of one)`);
  lines.push(`  R^2   = ${fmt(fit.r2)}`, `  ${peak}`);
  return lines.join("\n");
}

// The fitted curve drawn smoothly over the measured range (and a little past a peak inside it).
function fittedCurve(data: UslMeasurements, fit: UslFit): { n: number; value: number }[] {
  const ns = data.points.map((p) => p.n);
  const lo = Math.min(1, ...ns);
  const hi = Math.max(...ns);
  const scale = fit.gamma ?? 1;
  const steps = 200;
  return Array.from({ length: steps + 1 }, (_, i) => {
    const n = lo + ((hi - lo) * i) / steps;
    return { n, value: scale * uslCapacity(n, fit.alpha, fit.beta) };
  });
}

/** `teamsim fit usl FILE.csv`: fits the Universal Scalability Law to measurements. */
export function registerFitCommand(program: Command): void {
  program
    .command("fit")
    .description("fit a scaling law to measurements: usl (alpha, beta, R^2, peak n*) from a CSV")
    .argument("<model>", `the model to fit (${FIT_MODELS.join(", ")})`)
    .argument("<file>", "CSV with a header naming columns n and speedup (or throughput)")
    .option(
      "--json",
      'print {"alpha", "beta", "r2", "n_star"} (n_star: the best team size, 1 when the curve falls from n = 1; null when it never falls)',
    )
    .option(
      "-o, --output <file>",
      "also draw the points and the fitted curve (.svg, .png or .html)",
    )
    .addHelpText(
      "after",
      `
A throughput column is divided by the mean throughput at n = 1 (which must be
measured) to give speedups; the JSON then also has gamma, that throughput.

Examples:
  teamsim fit usl measurements.csv
  teamsim fit usl measurements.csv --json -o usl-fit.svg`,
    )
    .action(async (model: string, file: string, flags: FitFlags) => {
      if (!(FIT_MODELS as readonly string[]).includes(model)) {
        throw new InputError(
          "fit",
          "",
          undefined,
          undefined,
          `a model to fit (${FIT_MODELS.join(", ")})`,
          JSON.stringify(model),
        );
      }
      if (flags.output !== undefined) figureFormat(flags.output);
      const data = readUslCsv(file);
      const fit = fitUsl(
        data.points.map((p) => ({ n: p.n, y: p.y })),
        { throughput: data.column === "throughput" },
      );
      const doc: Record<string, number | null> = {
        alpha: fit.alpha,
        beta: fit.beta,
        r2: fit.r2,
        n_star: Number.isFinite(fit.n_star) ? fit.n_star : null,
      };
      if (fit.gamma !== undefined) doc.gamma = fit.gamma;
      process.stdout.write(
        flags.json ? `${stableJson(doc)}\n` : `${formatUslFit(file, data, fit)}\n`,
      );
      if (flags.output !== undefined) {
        const spec = fitSpec(
          data.points.map((p) => ({ n: p.n, value: p.y })),
          fittedCurve(data, fit),
          {
            title: `USL fit: alpha = ${fmt(fit.alpha)}, beta = ${fmt(fit.beta)}, R^2 = ${fmt(fit.r2)}`,
            xTitle: "team size n",
            yTitle: data.column,
            dataLabel: "measured",
            fitLabel: "USL fit",
          },
        );
        await writeFigure(spec, flags.output);
      }
    });
}
