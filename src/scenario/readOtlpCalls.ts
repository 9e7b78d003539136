import { z } from "zod";
import { InputError } from "../core/InputError.js";
import { jsonErrorMessage, jsonErrorPosition } from "./jsonError.js";
import { readTextFile } from "./readTextFile.js";
import { type CallTrace, type TraceCall, tokenKind } from "./TraceCall.js";
import { validateValue } from "./validateYaml.js";

// OTLP/JSON (the OpenTelemetry protocol's JSON encoding): 64-bit integers may be
// strings or numbers; unknown fields are ignored.
const int64 = z.union([
  z.string().regex(/^\d+$/, "a whole number"),
  z.number().int().nonnegative(),
]);
const anyValue = z.object({
  stringValue: z.string().optional(),
  intValue: z.union([z.string(), z.number()]).optional(),
  doubleValue: z.union([z.number(), z.string()]).optional(),
  boolValue: z.boolean().optional(),
});
const span = z.object({
  name: z.string().optional(),
  startTimeUnixNano: int64,
  endTimeUnixNano: int64,
  attributes: z.array(z.object({ key: z.string(), value: anyValue.optional() })).default([]),
  status: z.object({ code: z.union([z.number(), z.string()]).optional() }).optional(),
});
/** An OTLP/JSON trace export (ExportTraceServiceRequest): resourceSpans[].scopeSpans[].spans[]. */
export const OtlpDocumentSchema = z.object({
  resourceSpans: z.array(
    z.object({
      scopeSpans: z.array(z.object({ spans: z.array(span).default([]) })).default([]),
    }),
  ),
});

// Spans of these GenAI operations are model calls; others (execute_tool,
// invoke_agent, embeddings, ...) are not. A span without an operation name but
// with a model counts as a call.
const CALL_OPERATIONS = new Set(["chat", "text_completion", "generate_content"]);

type Span = z.output<typeof span>;

function attribute(s: Span, key: string): string | number | undefined {
  const a = s.attributes.find((x) => x.key === key)?.value;
  if (a === undefined) return undefined;
  if (a.stringValue !== undefined) return a.stringValue;
  if (a.intValue !== undefined) return Number(a.intValue);
  if (a.doubleValue !== undefined) return Number(a.doubleValue);
  return undefined;
}

function tokenAttribute(
  s: Span,
  keys: readonly string[],
  where: string,
  path: string,
): number | undefined {
  for (const key of keys) {
    const v = attribute(s, key);
    if (v === undefined) continue;
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0) {
      throw new InputError(
        where,
        `${path}.attributes.${key}`,
        undefined,
        undefined,
        "a token count (an integer >= 0)",
        JSON.stringify(v),
      );
    }
    return v;
  }
  return undefined;
}

// Seconds between two int64 nanosecond timestamps (exact as BigInt when given as strings).
function durationS(start: string | number, end: string | number): number {
  if (typeof start === "string" && typeof end === "string")
    return Number(BigInt(end) - BigInt(start)) / 1e9;
  return (Number(end) - Number(start)) / 1e9;
}

function isError(s: Span): boolean {
  const code = s.status?.code;
  return code === 2 || code === "STATUS_CODE_ERROR" || code === "2";
}

/**
 * Reads OpenTelemetry GenAI spans exported as OTLP/JSON: a file of one
 * document, or JSON lines with one document per line (as the collector's file
 * exporter writes). Each span with `gen_ai.request.model` (or, failing that,
 * `gen_ai.response.model`) whose `gen_ai.operation.name` is absent or chat,
 * text_completion or generate_content is one call: latency end - start, tokens
 * from `gen_ai.usage.input_tokens` / `output_tokens` (or the older
 * `prompt_tokens` / `completion_tokens`), failed when `status.code` is 2
 * (ERROR). Other spans are skipped.
 */
export function readOtlpCalls(file: string): CallTrace {
  const text = readTextFile(file);
  const docs = parseDocuments(file, text);
  const calls: TraceCall[] = [];
  let skipped = 0;
  for (const { where, value } of docs) {
    const doc = validateValue(where, value, OtlpDocumentSchema);
    doc.resourceSpans.forEach((rs, i) => {
      rs.scopeSpans.forEach((ss, j) => {
        ss.spans.forEach((s, k) => {
          const path = `resourceSpans.${i}.scopeSpans.${j}.spans.${k}`;
          const model =
            attribute(s, "gen_ai.request.model") ?? attribute(s, "gen_ai.response.model");
          const op = attribute(s, "gen_ai.operation.name");
          if (model === undefined || (op !== undefined && !CALL_OPERATIONS.has(String(op)))) {
            skipped++;
            return;
          }
          const ok = !isError(s);
          const latency = durationS(s.startTimeUnixNano, s.endTimeUnixNano);
          if (latency < 0 || (ok && latency === 0)) {
            throw new InputError(
              where,
              `${path}.endTimeUnixNano`,
              undefined,
              undefined,
              ok ? "an end after startTimeUnixNano" : "an end not before startTimeUnixNano",
              String(s.endTimeUnixNano),
            );
          }
          const call: TraceCall = { model: String(model), latency_s: latency, ok };
          const input = tokenAttribute(
            s,
            ["gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens"],
            where,
            path,
          );
          const output = tokenAttribute(
            s,
            ["gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens"],
            where,
            path,
          );
          if (input !== undefined) call.input_tokens = input;
          if (output !== undefined) call.output_tokens = output;
          calls.push(call);
        });
      });
    });
  }
  return {
    path: file,
    format: "otlp",
    calls,
    tokens: tokenKind(calls),
    recordsErrors: true,
    notes: skipped > 0 ? [`${skipped} spans that are not GenAI model calls skipped`] : [],
  };
}

// One document, or one per line: the text is JSON lines when its first
// non-empty line is a whole JSON value and more lines follow.
function parseDocuments(file: string, text: string): { where: string; value: unknown }[] {
  const lines = text.split(/\r?\n/);
  const nonEmpty = lines.map((l, i) => ({ l: l.trim(), i })).filter((x) => x.l !== "");
  if (nonEmpty.length === 0) return [];
  let firstIsWhole = false;
  try {
    JSON.parse(nonEmpty[0].l);
    firstIsWhole = true;
  } catch {
    // not JSON lines
  }
  if (firstIsWhole && nonEmpty.length > 1) {
    return nonEmpty.map(({ l, i }) => {
      const where = `${file}:${i + 1}`;
      try {
        return { where, value: JSON.parse(l) };
      } catch (e) {
        throw new InputError(
          where,
          "",
          undefined,
          undefined,
          "one OTLP/JSON document per line",
          `invalid JSON (${jsonErrorMessage(e)})`,
        );
      }
    });
  }
  try {
    return [{ where: file, value: JSON.parse(text) }];
  } catch (e) {
    const msg = jsonErrorMessage(e);
    const at = jsonErrorPosition(e, text);
    throw new InputError(
      file,
      "",
      at?.line,
      at?.col,
      "an OTLP/JSON document",
      `invalid JSON (${msg})`,
    );
  }
}
