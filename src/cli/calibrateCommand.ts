import { existsSync, statSync } from "node:fs";
import { dirname } from "node:path";
import type { Command } from "commander";
import { type ModelProfile, ModelProfileSchema } from "../agents/ModelProfile.js";
import { distCdf } from "../analytic/distCdf.js";
import { distributionSchema } from "../core/distributionSchema.js";
import { InputError } from "../core/InputError.js";
import {
  type Calibration,
  type CalibrationReport,
  calibrateProfile,
  fmt,
} from "../experiment/calibrateProfile.js";
import { writeFileAtomic } from "../experiment/ResultsFile.js";
import { profileYaml } from "../scenario/profileYaml.js";
import { readCallTrace } from "../scenario/readCallTrace.js";
import { TRACE_FORMATS, type TraceFormat } from "../scenario/TraceCall.js";
import { loadYamlFile, validateValue } from "../scenario/validateYaml.js";
import { latencyFitSpec } from "../viz/latencyFitSpec.js";
import { figureFormat, writeFigure } from "../viz/writeFigure.js";
import { stableJson } from "./stableJson.js";

interface CalibrateFlags {
  format?: string;
  model?: string;
  base?: string;
  output?: string;
  json?: boolean;
  figure?: string;
  date?: string;
}

// Quotes an argument for a shell command line when it needs it.
function shellWord(s: string): string {
  return /^[\w./:=@%+-]+$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`;
}

/** The command line that reproduces a calibration (written at the top of the profile). */
export function calibrateCommandLine(
  paths: readonly string[],
  flags: CalibrateFlags,
  date: string,
): string {
  const args = ["teamsim", "calibrate", ...paths];
  if (flags.format !== undefined) args.push("--format", flags.format);
  if (flags.model !== undefined) args.push("--model", flags.model);
  if (flags.base !== undefined) args.push("--base", flags.base);
  args.push("--date", date);
  if (flags.output !== undefined) args.push("-o", flags.output);
  return args.map(shellWord).join(" ");
}

function checkDate(date: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const valid = m !== null && new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10) === date;
  if (!valid)
    throw new InputError(
      "--date",
      "",
      undefined,
      undefined,
      "a date YYYY-MM-DD",
      JSON.stringify(date),
    );
  return date;
}

function checkOutputDir(file: string, flag: string): void {
  const dir = dirname(file);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new InputError(
      `${flag} ${file}`,
      "",
      undefined,
      undefined,
      "a path in an existing directory",
      `no directory ${JSON.stringify(dir)}`,
    );
  }
}

function pad(s: string, n: number, right = false): string {
  return right ? s.padStart(n) : s.padEnd(n);
}

/** The readable summary of a calibration (what `calibrate` prints to stderr without --json). */
export function formatCalibration(r: CalibrationReport): string {
  const from = r.inputs.map((i) => `${i.path} (${i.format})`).join(", ");
  const lines = [
    `calibrated ${r.model}: ${fmt(r.calls)} successful and ${fmt(r.failed_calls)} failed calls from ${from}`,
    `${pad("latency fit", 19)}${pad("params", 7, true)}${pad("log-lik", 13, true)}${pad("BIC", 13, true)}${pad("KS", 8, true)}`,
  ];
  for (const c of r.latency.candidates) {
    const chosen = c.name === r.latency.chosen ? "  chosen (lowest BIC)" : "";
    lines.push(
      `${pad(c.name, 19)}${pad(String(c.params), 7, true)}${pad(c.log_lik.toFixed(1), 13, true)}${pad(c.bic.toFixed(1), 13, true)}${pad(c.ks.toFixed(4), 8, true)}${chosen}`,
    );
  }
  lines.push(`${pad("quantile", 10)}${pad("data s", 10, true)}${pad("fitted s", 10, true)}`);
  for (const q of r.latency.quantiles) {
    lines.push(
      `${pad(`p${Math.round(q.p * 100)}`, 10)}${pad(fmt(q.data), 10, true)}${pad(fmt(q.fitted), 10, true)}`,
    );
  }
  const t = r.output_tokens;
  if (t !== null) {
    const spec = Object.entries(t.spec)
      .filter(([k]) => k !== "dist")
      .map(([k, v]) => `${k} ${v}`)
      .join(", ");
    const kind = t.recorded === "run-average" ? " (per-call averages of runs)" : "";
    lines.push(
      `output tokens: ${t.spec.dist} ${spec}${kind}; mean data ${fmt(t.data_mean)}, fitted ${fmt(t.fitted_mean)}`,
    );
  } else {
    lines.push("output tokens: not in the input (kept from --base, or a placeholder)");
  }
  if (r.input_tokens !== null) {
    const kind = r.input_tokens.recorded === "run-average" ? "run averages; " : "";
    lines.push(
      `input tokens per call: median ${fmt(r.input_tokens.median)}, mean ${fmt(r.input_tokens.mean)} (${kind}not in the profile)`,
    );
  }
  lines.push(
    r.transient_error_rate === null
      ? "transient error rate: unknown (the input records only completed calls), 0 in the profile"
      : `transient error rate: ${fmt(100 * r.transient_error_rate)}%`,
  );
  return lines.join("\n");
}

function profileHeader(name: string, command: string): string[] {
  return [
    `${name}: written by \`teamsim calibrate\` (see docs/calibrate.md). Regenerate with:`,
    `  ${command}`,
    "",
    "latency.call is the whole latency of one call (drawn once per call, then times a",
    "straggler multiplier with the straggler probability); tokens.output is the output",
    "tokens of one call; price is USD per million input / output tokens; skill shifts",
    "the log-odds of a right answer relative to gpt-4o (skill 0). Every group's source",
    "says where its numbers come from.",
  ];
}

// The data's empirical CDF (at most 400 steps) and each candidate's CDF over the data's range.
async function drawFigure(
  file: string,
  latencies: readonly number[],
  c: Calibration,
): Promise<void> {
  const sorted = [...latencies].sort((a, b) => a - b);
  const n = sorted.length;
  const steps = Math.min(n, 400);
  const data = Array.from({ length: steps }, (_, i) => {
    const k = Math.round((i * (n - 1)) / Math.max(1, steps - 1));
    return { x: sorted[k], p: (k + 1) / n };
  });
  const lo = Math.log(sorted[0]);
  const hi = Math.log(sorted[n - 1]);
  const xs = Array.from({ length: 201 }, (_, i) => Math.exp(lo + ((hi - lo) * i) / 200));
  const fits = c.report.latency.candidates.map((cand) => {
    const spec = validateValue("fit", cand.spec, distributionSchema("_s"));
    const chosen = cand.name === c.report.latency.chosen ? " (chosen)" : "";
    return { name: `${cand.name}${chosen}`, points: xs.map((x) => ({ x, p: distCdf(spec, x) })) };
  });
  const spec = latencyFitSpec(data, fits, {
    title: `${c.report.model}: call latency, ${fmt(n)} calls, data vs fits`,
    xTitle: "latency (s, log scale)",
    yTitle: "fraction of calls at or below",
  });
  await writeFigure(spec, file);
}

/** `teamsim calibrate PATH...`: fits a model profile to traces of real LLM calls. */
export function registerCalibrateCommand(program: Command): void {
  program
    .command("calibrate")
    .description(
      "fit a model profile (call latency, output tokens, failure rate) to traces of real LLM calls",
    )
    .argument("<path...>", "trace files, or directories in the paper's CSV layout")
    .option(
      "--format <format>",
      `the input format: ${TRACE_FORMATS.join(" | ")} (default: detected per path)`,
    )
    .option("--model <name>", "the model to calibrate (required when the input has several)")
    .option(
      "--base <profile.yaml>",
      "take price, skill, context window, retry policy and crash rate from this profile",
    )
    .option("-o, --output <file>", "write the profile YAML to this file (default: stdout)")
    .option("--json", "print the fit report as JSON on stdout (write the profile with -o)")
    .option(
      "--figure <file>",
      "draw the latency CDF of the data against every fit (.svg, .png or .html)",
    )
    .option("--date <YYYY-MM-DD>", "the date written into the sources (default: today)")
    .addHelpText(
      "after",
      `
Formats: paper = a directory with runs.csv and calls.csv (as data/paper-llm-teams);
otlp = OpenTelemetry GenAI spans as OTLP/JSON (one document, or one per line);
jsonl = one {"model", "latency_s", "input_tokens", "output_tokens", "ok"} per line.
Without --json the profile goes to stdout (or -o) and a summary of the fits to stderr.

Examples:
  teamsim calibrate calls.jsonl --model my-model --date 2026-11-30
  teamsim calibrate data/paper-llm-teams --model gemini-3-flash \\
      --base models/gemini-3-flash.yaml -o models/gemini-3-flash.yaml`,
    )
    .action(async (paths: string[], flags: CalibrateFlags) => {
      if (
        flags.format !== undefined &&
        !(TRACE_FORMATS as readonly string[]).includes(flags.format)
      ) {
        throw new InputError(
          "--format",
          "",
          undefined,
          undefined,
          `one of ${TRACE_FORMATS.join(", ")}`,
          JSON.stringify(flags.format),
        );
      }
      const date = checkDate(flags.date ?? new Date().toISOString().slice(0, 10));
      if (flags.figure !== undefined) figureFormat(flags.figure);
      if (flags.output !== undefined) checkOutputDir(flags.output, "-o");
      let base: { path: string; profile: ModelProfile } | undefined;
      if (flags.base !== undefined) {
        base = { path: flags.base, profile: loadYamlFile(flags.base, ModelProfileSchema) };
      }
      const traces = paths.map((p) => readCallTrace(p, flags.format as TraceFormat | undefined));
      const calibration = calibrateProfile(traces, { model: flags.model, base, date });
      const command = calibrateCommandLine(paths, flags, date);
      // The profile must load as any shipped one does.
      validateValue("calibrated profile", calibration.profile, ModelProfileSchema);
      const yaml = profileYaml(
        calibration.profile,
        profileHeader(String(calibration.profile.name), command),
      );
      if (flags.json) {
        process.stdout.write(`${stableJson({ ...calibration.report, command })}\n`);
      } else {
        process.stderr.write(`${formatCalibration(calibration.report)}\n`);
      }
      if (flags.output !== undefined) {
        try {
          writeFileAtomic(flags.output, yaml);
        } catch (e) {
          throw new InputError(
            flags.output,
            "",
            undefined,
            undefined,
            "a writable file",
            String((e as NodeJS.ErrnoException).code ?? (e as Error).message),
          );
        }
        if (!flags.json) process.stderr.write(`wrote ${flags.output}\n`);
      } else if (!flags.json) {
        process.stdout.write(yaml);
      }
      if (flags.figure !== undefined) {
        const latencies = traces.flatMap((t) =>
          t.calls
            .filter((c) => c.model === calibration.report.model && c.ok)
            .map((c) => c.latency_s),
        );
        await drawFigure(flags.figure, latencies, calibration);
      }
    });
}
