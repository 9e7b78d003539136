import type { Command } from "commander";
import { z } from "zod";
import type { Law } from "../analytic/Law.js";
import { LAWS } from "../analytic/laws.js";
import { stableJson } from "./stableJson.js";

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
};

/** The JSON Schema of a law's parameters (input side: defaults are optional). */
export function lawParamsSchema(law: Law): JsonSchema {
  return z.toJSONSchema(law.params, { io: "input", unrepresentable: "any" }) as JsonSchema;
}

// Bounds from zod's JSON Schema; the int safe-integer limits say nothing to a reader.
function bounds(s: JsonSchema): string {
  const lo =
    s.exclusiveMinimum !== undefined
      ? `> ${s.exclusiveMinimum}`
      : s.minimum !== undefined && s.minimum > Number.MIN_SAFE_INTEGER
        ? `>= ${s.minimum}`
        : undefined;
  const hi =
    s.exclusiveMaximum !== undefined
      ? `< ${s.exclusiveMaximum}`
      : s.maximum !== undefined && s.maximum < Number.MAX_SAFE_INTEGER
        ? `<= ${s.maximum}`
        : undefined;
  if (
    s.minimum !== undefined &&
    s.maximum !== undefined &&
    lo?.startsWith(">=") &&
    hi?.startsWith("<=")
  )
    return ` in [${s.minimum}, ${s.maximum}]`;
  return [lo, hi]
    .filter((b) => b !== undefined)
    .map((b) => ` ${b}`)
    .join(",");
}

function describeType(s: JsonSchema): string {
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.enum !== undefined) return `one of ${s.enum.map((v) => JSON.stringify(v)).join(", ")}`;
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives !== undefined) return alternatives.map(describeType).join(" | ");
  const type = Array.isArray(s.type) ? s.type.join(" | ") : (s.type ?? "any");
  if (type === "object") return "a mapping";
  return `${type}${bounds(s)}`;
}

/** One line per parameter: `name: type and bounds[, default v | , optional]`. */
export function describeLawParams(law: Law): string[] {
  const schema = lawParamsSchema(law);
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([name, s]) => {
    const tail =
      s.default !== undefined
        ? ` (default ${JSON.stringify(s.default)})`
        : required.has(name)
          ? ""
          : " (optional)";
    return `${name}: ${describeType(s)}${tail}`;
  });
}

/** The human-readable list of laws: name, family, summary, formula, parameters, source. */
export function formatLaws(laws: readonly Law[] = LAWS): string {
  return laws
    .map((law) => {
      const params = describeLawParams(law);
      return [
        `${law.name}  (${law.family}, ${law.exactness})`,
        `  ${law.summary}`,
        `  formula: ${law.formula}`,
        `  params:  ${params.length === 0 ? "none" : params.join("; ")}`,
        `  source:  ${law.source}`,
      ].join("\n");
    })
    .join("\n\n");
}

/** The laws as machine output: each with its parameters' JSON Schema. */
export function lawsJson(laws: readonly Law[] = LAWS): unknown[] {
  return laws.map((law) => ({
    name: law.name,
    family: law.family,
    summary: law.summary,
    formula: law.formula,
    exactness: law.exactness,
    source: law.source,
    params: lawParamsSchema(law),
  }));
}

/** `teamsim laws`: lists the closed-form scaling laws `curve` and `compare` use. */
export function registerLawsCommand(program: Command): void {
  program
    .command("laws")
    .description("list the closed-form scaling laws (family, formula, parameters, source)")
    .option("--json", "print the laws as JSON, with each law's parameters as a JSON Schema")
    .action((flags: { json?: boolean }) => {
      process.stdout.write(flags.json ? `${stableJson(lawsJson())}\n` : `${formatLaws()}\n`);
    });
}
