import Table from "cli-table3";
import type { Command } from "commander";
import { parse } from "yaml";
import type { Law, LawFamily } from "../analytic/Law.js";
import { findLaw, LAWS } from "../analytic/laws.js";
import { InputError } from "../core/InputError.js";
import { validateValue } from "../scenario/validateYaml.js";
import { curveSpec } from "../viz/curveSpec.js";
import { figureFormat, writeFigure } from "../viz/writeFigure.js";
import { collect } from "./collect.js";
import { formatLaws } from "./lawsCommand.js";
import { parseTeamSizes } from "./parseTeamSizes.js";
import { stableJson } from "./stableJson.js";

interface CurveFlags {
  param: string[];
  n: string;
  json?: boolean;
  output?: string;
  logX?: boolean;
  list?: boolean;
}

/** One point of a curve; value is null where the law is undefined (e.g. quorum-wait at n < k). */
export interface CurvePoint {
  n: number;
  value: number | null;
}

/** The default team sizes of `curve`. */
export const DEFAULT_TEAM_SIZES = "1..16";

const Y_TITLES: Record<LawFamily, string> = {
  speedup: "speedup",
  voting: "accuracy",
  latency: "latency (s)",
  communication: "messages",
  availability: "availability",
  team: "value",
};

/** The law called `name`, or an InputError listing the known ones. */
export function requireLaw(name: string, flag = "law"): Law {
  const law = findLaw(name);
  if (law === undefined) {
    throw new InputError(
      flag,
      "",
      undefined,
      undefined,
      `a known law (${LAWS.map((l) => l.name).join(", ")}; see \`teamsim laws\`)`,
      JSON.stringify(name),
    );
  }
  return law;
}

/**
 * A law's validated parameters from `--param k=v` assignments (values parsed as
 * YAML, dotted keys for nested fields); errors name the `--param` that caused them.
 */
export function parseLawParams(law: Law, assignments: readonly string[]): unknown {
  const raw: Record<string, unknown> = {};
  const setBy = new Map<string, string>();
  for (const a of assignments) {
    const eq = a.indexOf("=");
    const key = eq > 0 ? a.slice(0, eq).trim() : "";
    const segments = key.split(".");
    if (eq <= 0 || segments.some((s) => s === "")) {
      throw new InputError(
        `--param ${a}`,
        "",
        undefined,
        undefined,
        "name=value (e.g. p=0.9)",
        JSON.stringify(a),
      );
    }
    let value: unknown;
    try {
      value = parse(a.slice(eq + 1));
    } catch (e) {
      const first = (e as Error).message.split("\n")[0].replace(/:$/, "");
      throw new InputError(`--param ${a}`, key, undefined, undefined, "a YAML value", first);
    }
    let node = raw;
    for (const seg of segments.slice(0, -1)) {
      const next = node[seg];
      if (next === null || typeof next !== "object" || Array.isArray(next)) node[seg] = {};
      node = node[seg] as Record<string, unknown>;
    }
    node[segments[segments.length - 1]] = value;
    setBy.set(key, a);
  }
  const label = (docPath: string) => {
    const segs = docPath.split(".");
    for (let i = segs.length; i > 0; i--) {
      const hit = setBy.get(segs.slice(0, i).join("."));
      if (hit !== undefined) return `--param ${hit}`;
    }
    // A dotted --param (p.x=1) that made a mapping where a value belongs.
    for (const [key, a] of setBy) if (key.startsWith(`${docPath}.`)) return `--param ${a}`;
    return `--param (law ${law.name})`;
  };
  try {
    return validateValue(label, raw, law.params);
  } catch (e) {
    // The file wording points unknown fields at `teamsim schema`; a law's list is shorter.
    if (e instanceof InputError && e.expected.startsWith("a known field")) {
      const names = Object.keys((law.params as { shape?: object }).shape ?? {});
      throw new InputError(
        e.file,
        e.docPath,
        undefined,
        undefined,
        `a parameter of ${law.name} (${names.join(", ")})`,
        e.found,
      );
    }
    throw e;
  }
}

/** The law's value at each team size (null where it is not a finite number). */
export function evaluateCurve(law: Law, params: unknown, sizes: readonly number[]): CurvePoint[] {
  return sizes.map((n) => {
    const v = law.value(n, params);
    return { n, value: Number.isFinite(v) ? v : null };
  });
}

/** `k=v, ...` of the parameters as given (for titles and headers). */
function paramsText(assignments: readonly string[]): string {
  return assignments.map((a) => a.replace(/\s*=\s*/, "=")).join(", ");
}

function fmt(v: number | null): string {
  return v === null ? "n/a" : Number(v.toPrecision(6)).toString();
}

/** The readable output of `curve`: a header with the formula, then n | value. */
export function formatCurve(
  law: Law,
  assignments: readonly string[],
  points: readonly CurvePoint[],
): string {
  const table = new Table({
    head: ["n", "value"],
    style: { head: [], border: [], compact: true },
    colAligns: ["right", "right"],
  });
  for (const p of points) table.push([String(p.n), fmt(p.value)]);
  const given = assignments.length > 0 ? ` (${paramsText(assignments)})` : "";
  return `${law.name}${given}: ${law.formula}\n${table.toString()}`;
}

/** `teamsim curve LAW`: a closed-form law over team sizes, as a table, JSON or a figure. */
export function registerCurveCommand(program: Command): void {
  program
    .command("curve")
    .description("evaluate a closed-form scaling law over team sizes: a table, JSON, or a figure")
    .argument("[law]", "the law (see `teamsim laws`)")
    .option("--param <name=value>", "a law parameter (YAML value; repeatable)", collect, [])
    .option("--n <sizes>", "team sizes: a..b, a..b:step or a,b,c", DEFAULT_TEAM_SIZES)
    .option("--json", 'print [{"n": ..., "value": ...}, ...] (value null where undefined)')
    .option(
      "-o, --output <file>",
      "draw the curve (.svg, .png or .html) and print the file's path (or, with --json, the JSON)",
    )
    .option("--log-x", "in the figure, a log-scaled n axis (base 2)")
    .option("--list", "list the laws (as `teamsim laws`)")
    .addHelpText(
      "after",
      () => `
Laws: ${LAWS.map((l) => l.name).join(", ")} (parameters and sources: teamsim laws)

Examples:
  teamsim curve amdahl --param p=0.9 --n 1..64
  teamsim curve amdahl --param p=0.9 --n 1,2,4,8 --json
  teamsim curve usl --param alpha=0.05 --param beta=0.002 --n 1..64:4 -o usl.svg`,
    )
    .action(async (name: string | undefined, flags: CurveFlags) => {
      if (flags.list) {
        process.stdout.write(`${formatLaws()}\n`);
        return;
      }
      if (name === undefined) {
        throw new InputError(
          "curve",
          "",
          undefined,
          undefined,
          `a law (${LAWS.map((l) => l.name).join(", ")}; see \`teamsim laws\`)`,
          "none",
        );
      }
      const law = requireLaw(name);
      const params = parseLawParams(law, flags.param);
      const sizes = parseTeamSizes(flags.n);
      if (flags.output !== undefined) figureFormat(flags.output);
      const points = evaluateCurve(law, params, sizes);
      if (flags.output !== undefined) {
        const given = flags.param.length > 0 ? ` (${paramsText(flags.param)})` : "";
        const spec = curveSpec(
          [
            {
              name: law.name,
              points: points.flatMap((p) => (p.value === null ? [] : [{ n: p.n, value: p.value }])),
            },
          ],
          {
            title: `${law.name}${given}`,
            xTitle: "team size n",
            yTitle: Y_TITLES[law.family],
            logX: flags.logX,
          },
        );
        await writeFigure(spec, flags.output);
        if (!flags.json) {
          process.stdout.write(`${flags.output}\n`);
          return;
        }
      }
      process.stdout.write(
        flags.json ? `${stableJson(points)}\n` : `${formatCurve(law, flags.param, points)}\n`,
      );
    });
}
