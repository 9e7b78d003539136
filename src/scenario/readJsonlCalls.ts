import { z } from "zod";
import { InputError } from "../core/InputError.js";
import { jsonErrorMessage } from "./jsonError.js";
import { readTextFile } from "./readTextFile.js";
import { type CallTrace, type TraceCall, tokenKind } from "./TraceCall.js";
import { validateValue } from "./validateYaml.js";

const tokens = z.number().int().nonnegative().optional();

/**
 * One line of a JSONL call log. Tokens are optional, `ok` defaults to true, and
 * other fields are ignored (so richer logs can be read as they are).
 */
export const JsonlCallSchema = z
  .object({
    model: z.string().min(1),
    latency_s: z.number().nonnegative(),
    input_tokens: tokens,
    output_tokens: tokens,
    ok: z.boolean().default(true),
  })
  .refine((c) => !c.ok || c.latency_s > 0, {
    path: ["latency_s"],
    message: "latency_s > 0 for a call with ok: true",
  });

/**
 * Reads a JSONL file of calls, one `{model, latency_s, input_tokens,
 * output_tokens, ok}` object per line (blank lines and lines starting with `#`
 * are skipped). A line that is not JSON, or not such an object, is an
 * InputError naming the file, the line and the field.
 */
export function readJsonlCalls(file: string): CallTrace {
  const text = readTextFile(file);
  const calls: TraceCall[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === "" || line.startsWith("#")) continue;
    const where = `${file}:${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      throw new InputError(
        where,
        "",
        undefined,
        undefined,
        "a JSON object",
        `invalid JSON (${jsonErrorMessage(e)})`,
      );
    }
    const call = validateValue(where, value, JsonlCallSchema);
    const out: TraceCall = { model: call.model, latency_s: call.latency_s, ok: call.ok };
    if (call.input_tokens !== undefined) out.input_tokens = call.input_tokens;
    if (call.output_tokens !== undefined) out.output_tokens = call.output_tokens;
    calls.push(out);
  }
  return {
    path: file,
    format: "jsonl",
    calls,
    tokens: tokenKind(calls),
    recordsErrors: true,
    notes: [],
  };
}
