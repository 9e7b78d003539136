import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readJsonlCalls } from "../../src/scenario/readJsonlCalls.js";

const FIXTURES = join(import.meta.dirname, "../fixtures/calibrate");
const dir = mkdtempSync(join(tmpdir(), "teamsim-jsonl-"));
function file(name: string, text: string): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}

describe("readJsonlCalls", () => {
  it("reads one call per line, with tokens and failures", () => {
    const t = readJsonlCalls(join(FIXTURES, "calls.jsonl"));
    expect(t.format).toBe("jsonl");
    expect(t.tokens).toBe("per-call");
    expect(t.recordsErrors).toBe(true);
    expect(t.calls).toHaveLength(80);
    expect(t.calls[0]).toEqual({
      model: "acme-small",
      latency_s: 2.3,
      input_tokens: 5343,
      output_tokens: 363,
      ok: true,
    });
    expect(t.calls.filter((c) => !c.ok)).toHaveLength(3);
  });

  it("skips blank and # lines, ignores extra fields, defaults ok to true, tokens optional", () => {
    const f = file(
      "min.jsonl",
      '# a log\n\n{"model": "m", "latency_s": 1.5, "request_id": "a1"}\n',
    );
    expect(readJsonlCalls(f).calls).toEqual([{ model: "m", latency_s: 1.5, ok: true }]);
    expect(readJsonlCalls(f).tokens).toBe("none");
  });

  it.each([
    [
      '{"model": "m", "latency_s": 1}\n{"model": "m", "latency_s": -1}\n',
      /:2: latency_s: expected >= 0, found -1$/,
    ],
    ['{"model": "m", "latency_s": 1, "ok": "yes"}\n', /:1: ok: expected a boolean, found "yes"$/],
    [
      '{"model": "m", "latency_s": 1, "output_tokens": 2.5}\n',
      /:1: output_tokens: expected an integer, found 2.5$/,
    ],
    ['{"latency_s": 1}\n', /:1: model: expected a string, found nothing \(the field is missing\)$/],
    [
      '{"model": "m", "latency_s": 0}\n',
      /:1: latency_s: expected latency_s > 0 for a call with ok: true/,
    ],
    ['{"model": "m", "latency_s": 1,}\n', /:1: expected a JSON object, found invalid JSON/],
  ])("a bad line names the file, line and field: %j", (text, message) => {
    const f = file("bad.jsonl", text);
    expect(() => readJsonlCalls(f)).toThrow(message);
  });

  it("a failed call may take no time", () => {
    const f = file("fail.jsonl", '{"model": "m", "latency_s": 0, "ok": false}\n');
    expect(readJsonlCalls(f).calls[0].ok).toBe(false);
  });

  it("the fixture's bad line", () => {
    expect(() => readJsonlCalls(join(FIXTURES, "calls-bad.jsonl"))).toThrow(
      /calls-bad\.jsonl:3: latency_s: expected a number, found "fast"/,
    );
  });
});
