import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  type ResultLine,
  readResults,
  withChecksum,
  withoutChecksum,
} from "../../src/experiment/ResultsFile.js";
import { sweepSummary } from "../../src/experiment/sweepSummary.js";
import { METRICS } from "../../src/metrics/RunResult.js";

const dir = mkdtempSync(join(tmpdir(), "teamsim-results-"));

// A results line as a sweep writes it (every metric a number), without its checksum.
function body(point: number, replicate: number, accuracy = 0.5): string {
  const metrics = Object.fromEntries(METRICS.map((m) => [m, 1]));
  return JSON.stringify({
    point,
    replicate,
    params: { "agents.count": point + 1 },
    ...metrics,
    accuracy,
    time_to_decision_s: null,
    end_reason: "quiescent",
  });
}

const line = (p: number, r: number, acc?: number) => withChecksum(body(p, r, acc));

let files = 0;
function read(text: string) {
  const file = join(dir, `r${files++}.jsonl`);
  writeFileSync(file, text);
  return readResults(file);
}

describe("results checksums", () => {
  it("adds a last sha256 field that withoutChecksum removes", () => {
    const b = body(0, 0);
    const l = withChecksum(b);
    expect(l).toMatch(/,"sha256":"[0-9a-f]{16}"\}$/);
    expect(JSON.parse(l).sha256).toHaveLength(16);
    expect(withoutChecksum(l)).toBe(b);
    expect(withoutChecksum(b)).toBe(b);
  });

  const good = [line(0, 0), line(0, 1), line(1, 0)];
  // One row per way a line goes bad: the file's text, the bad line and what is said of it.
  const cases: { name: string; text: string; kept: number; bad: number; what: RegExp }[] = [
    {
      name: "a tampered metric",
      text: [good[0], good[1].replace('"accuracy":0.5', '"accuracy":0.9'), good[2], ""].join("\n"),
      kept: 2,
      bad: 2,
      what: /checksum mismatch/,
    },
    {
      name: "a metric turned into a string (never dropped from the summary)",
      text: [good[0], good[1], good[2].replace('"accuracy":0.5', '"accuracy":"x"'), ""].join("\n"),
      kept: 2,
      bad: 3,
      what: /checksum mismatch/,
    },
    {
      name: "a tampered checksum",
      text: [good[0].replace(/"sha256":"./, '"sha256":"z'), good[1], good[2], ""].join("\n"),
      kept: 2,
      bad: 1,
      what: /no checksum \(edited\)/,
    },
    {
      name: "a checksum removed from one line of a checksummed file",
      text: [good[0], withoutChecksum(good[1]), good[2], ""].join("\n"),
      kept: 2,
      bad: 2,
      what: /no checksum \(edited\)/,
    },
    {
      name: "a truncated last line",
      text: [good[0], good[1], good[2].slice(0, 40)].join("\n"),
      kept: 2,
      bad: 3,
      what: /truncated/,
    },
    {
      name: "a line cut short in the middle",
      text: [good[0], good[1].slice(0, 30), good[2], ""].join("\n"),
      kept: 2,
      bad: 2,
      what: /not a JSON line/,
    },
    {
      name: "an empty line",
      text: [good[0], "", good[1], good[2], ""].join("\n"),
      kept: 3,
      bad: 2,
      what: /empty line/,
    },
    {
      name: "a line without a replicate",
      text: [good[0], withChecksum('{"point":0,"params":{}}'), good[2], ""].join("\n"),
      kept: 2,
      bad: 2,
      what: /no replicate number/,
    },
  ];
  it.each(cases)("reports $name and keeps the rest of the file", ({ text, kept, bad, what }) => {
    const r = read(text);
    expect(r.lines).toHaveLength(kept);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0].line).toBe(bad);
    expect(r.problems[0].what).toMatch(what);
  });

  it("reads a file written before checksums, checking its metrics' types", () => {
    const old = [body(0, 0), body(0, 1), body(1, 0), ""].join("\n");
    const r = read(old);
    expect(r.lines.map((l) => l.text)).toEqual([body(0, 0), body(0, 1), body(1, 0)]);
    expect(r.problems).toEqual([]);
    expect(r.unchecked).toBe(3);
    const tampered = read(old.replace('"accuracy":0.5', '"accuracy":"0.5"'));
    expect(tampered.lines).toHaveLength(2);
    expect(tampered.problems[0]).toMatchObject({
      line: 1,
      what: expect.stringMatching(/accuracy is "0.5", not a number/),
    });
  });

  it("says where the complete lines end (a half-written tail is cut there)", () => {
    const text = `${good[0]}\n${good[1].slice(0, 20)}`;
    const r = read(text);
    expect(r.validBytes).toBe(Buffer.byteLength(`${good[0]}\n`));
    expect(r.problems[0]).toMatchObject({ line: 2, tail: true });
    expect(readResults(join(dir, "missing.jsonl"))).toEqual({
      lines: [],
      validBytes: 0,
      problems: [],
      unchecked: 0,
    });
  });
});

describe("sweep summary", () => {
  it("refuses a metric that is neither a number nor null instead of leaving it out", () => {
    const lines: ResultLine[] = [0, 1].map((r) => ({ point: 0, replicate: r, text: line(0, r) }));
    expect(sweepSummary(lines)[0]["accuracy.mean"]).toBe(0.5);
    const bad = { ...lines[1], text: lines[1].text.replace('"accuracy":0.5', '"accuracy":"x"') };
    expect(() => sweepSummary([lines[0], bad])).toThrow(/accuracy is "x", not a number/);
  });
});
