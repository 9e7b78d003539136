import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { detectTraceFormat, readCallTrace } from "../../src/scenario/readCallTrace.js";

const FIXTURES = join(import.meta.dirname, "../fixtures/calibrate");
const dir = mkdtempSync(join(tmpdir(), "teamsim-trace-"));

describe("detectTraceFormat", () => {
  it.each([
    ["paper", "paper"],
    ["calls.jsonl", "jsonl"],
    ["spans.json", "otlp"],
    ["spans.jsonl", "otlp"],
    ["empty.jsonl", "jsonl"],
  ])("%s is %s", (name, format) => {
    expect(detectTraceFormat(join(FIXTURES, name))).toBe(format);
  });

  it("looks at the content before the extension", () => {
    const f = join(dir, "log.txt");
    writeFileSync(f, '{"model": "m", "latency_s": 2}\n');
    expect(detectTraceFormat(f)).toBe("jsonl");
    expect(readCallTrace(f).calls).toHaveLength(1);
  });

  it("asks for --format when it cannot tell, and names a missing path", () => {
    const f = join(dir, "x.txt");
    writeFileSync(f, "hello\n");
    expect(() => detectTraceFormat(f)).toThrow(
      /x\.txt: expected .*--format paper\|otlp\|jsonl.*found neither resourceSpans nor latency_s/,
    );
    expect(() => detectTraceFormat(join(dir, "nope"))).toThrow(
      /nope: expected a trace file or a directory, found no such file or directory/,
    );
  });
});
