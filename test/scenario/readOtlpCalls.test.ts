import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readOtlpCalls } from "../../src/scenario/readOtlpCalls.js";

const FIXTURES = join(import.meta.dirname, "../fixtures/calibrate");
const dir = mkdtempSync(join(tmpdir(), "teamsim-otlp-"));
function file(name: string, text: string): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}

const span = (over: Record<string, unknown> = {}, attrs: unknown[] = []) => ({
  name: "chat m",
  startTimeUnixNano: "1764500000000000000",
  endTimeUnixNano: "1764500002500000001",
  attributes: [{ key: "gen_ai.request.model", value: { stringValue: "m" } }, ...attrs],
  ...over,
});
const doc = (spans: unknown[]) => ({ resourceSpans: [{ scopeSpans: [{ spans }] }] });

describe("readOtlpCalls", () => {
  it("reads GenAI chat spans of one OTLP/JSON document, skipping tool spans", () => {
    const t = readOtlpCalls(join(FIXTURES, "spans.json"));
    expect(t.format).toBe("otlp");
    expect(t.calls).toHaveLength(12);
    expect(t.notes).toEqual(["1 spans that are not GenAI model calls skipped"]);
    const failed = t.calls.filter((c) => !c.ok);
    expect(failed).toHaveLength(1);
    expect(failed[0].output_tokens).toBeUndefined();
    expect(t.calls[0].model).toBe("acme-otel");
    expect(t.calls[0].input_tokens).toBeGreaterThan(0);
  });

  it("reads JSON lines of documents", () => {
    const t = readOtlpCalls(join(FIXTURES, "spans.jsonl"));
    expect(t.calls).toHaveLength(12);
    expect(t.notes).toEqual(["3 spans that are not GenAI model calls skipped"]);
  });

  it("takes nanosecond strings exactly, numbers too, and int or string token counts", () => {
    const f = file(
      "one.json",
      JSON.stringify(
        doc([
          span({}, [
            { key: "gen_ai.usage.input_tokens", value: { intValue: "1200" } },
            { key: "gen_ai.usage.output_tokens", value: { intValue: 80 } },
          ]),
          span({ startTimeUnixNano: 1000000000, endTimeUnixNano: 3000000000 }, [
            { key: "gen_ai.usage.prompt_tokens", value: { intValue: "5" } },
          ]),
          span({ status: { code: "STATUS_CODE_ERROR" } }),
        ]),
      ),
    );
    const calls = readOtlpCalls(f).calls;
    expect(calls[0]).toEqual({
      model: "m",
      latency_s: 2.500000001,
      input_tokens: 1200,
      output_tokens: 80,
      ok: true,
    });
    expect(calls[1]).toEqual({ model: "m", latency_s: 2, input_tokens: 5, ok: true });
    expect(calls[2].ok).toBe(false);
  });

  it("falls back to gen_ai.response.model, and skips non-call operations", () => {
    const f = file(
      "ops.json",
      JSON.stringify(
        doc([
          {
            ...span(),
            attributes: [{ key: "gen_ai.response.model", value: { stringValue: "r" } }],
          },
          span({}, [{ key: "gen_ai.operation.name", value: { stringValue: "invoke_agent" } }]),
          span({}, [{ key: "gen_ai.operation.name", value: { stringValue: "chat" } }]),
        ]),
      ),
    );
    const t = readOtlpCalls(f);
    expect(t.calls.map((c) => c.model)).toEqual(["r", "m"]);
  });

  it.each([
    [
      "spans-bad.json",
      /spans-bad\.json: resourceSpans\.0\.scopeSpans\.0\.spans\.0\.endTimeUnixNano: expected/,
    ],
  ])("a bad document names the file and the path in it: %s", (name, message) => {
    expect(() => readOtlpCalls(join(FIXTURES, name))).toThrow(message);
  });

  it("an end before the start, bad token counts, bad JSON lines and bad JSON are located", () => {
    const early = file("early.json", JSON.stringify(doc([span({ endTimeUnixNano: "1" })])));
    expect(() => readOtlpCalls(early)).toThrow(
      /early\.json: resourceSpans\.0\.scopeSpans\.0\.spans\.0\.endTimeUnixNano: expected an end after startTimeUnixNano, found 1/,
    );
    const tokens = file(
      "tok.json",
      JSON.stringify(
        doc([span({}, [{ key: "gen_ai.usage.output_tokens", value: { stringValue: "many" } }])]),
      ),
    );
    expect(() => readOtlpCalls(tokens)).toThrow(
      /tok\.json: resourceSpans\.0\.scopeSpans\.0\.spans\.0\.attributes\.gen_ai\.usage\.output_tokens: expected a token count/,
    );
    const lines = file("bad.jsonl", `${JSON.stringify(doc([span()]))}\n{"resourceSpans": [\n`);
    expect(() => readOtlpCalls(lines)).toThrow(
      /bad\.jsonl:2: expected one OTLP\/JSON document per line, found invalid JSON/,
    );
    const broken = file("broken.json", '{\n  "resourceSpans": [\n    }\n');
    expect(() => readOtlpCalls(broken)).toThrow(
      /broken\.json:3:5: expected an OTLP\/JSON document, found invalid JSON/,
    );
  });

  it("a document without GenAI spans gives no calls", () => {
    expect(readOtlpCalls(join(FIXTURES, "spans-no-calls.json")).calls).toEqual([]);
  });
});
