import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { JsonlFileTrace } from "../../src/experiment/JsonlFileTrace.js";

describe("JsonlFileTrace", () => {
  it("writes to a temporary file and renames it into place on close", () => {
    const dir = mkdtempSync(join(tmpdir(), "teamsim-trace-"));
    const path = join(dir, "t.jsonl");
    const trace = new JsonlFileTrace(path);
    for (let i = 0; i < 5000; i++) trace.record({ t: i, type: "x", i });
    expect(existsSync(path)).toBe(false);
    trace.close();
    const lines = readFileSync(path, "utf8").trim().split("\n");
    expect(lines).toHaveLength(5000);
    expect(JSON.parse(lines[4999])).toEqual({ t: 4999, type: "x", i: 4999 });
    expect(readdirSync(dir)).toEqual(["t.jsonl"]);
  });

  it("abort leaves nothing behind", () => {
    const dir = mkdtempSync(join(tmpdir(), "teamsim-trace-"));
    const trace = new JsonlFileTrace(join(dir, "t.jsonl"));
    trace.record({ t: 0, type: "x" });
    trace.abort();
    expect(readdirSync(dir)).toEqual([]);
  });
});
