import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/core/InputError.js";
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

describe("JsonlFileTrace errors name the flag and leave no temporary file", () => {
  const fresh = () => mkdtempSync(join(tmpdir(), "teamsim-trace-"));

  it("refuses a directory, a missing directory and a device before creating anything", () => {
    const dir = fresh();
    mkdirSync(join(dir, "sub"));
    expect(() => new JsonlFileTrace(join(dir, "sub"), "--trace sub")).toThrow(
      /^--trace sub: expected a file to write, found a directory$/,
    );
    expect(() => new JsonlFileTrace(join(dir, "no/t.jsonl"), "--trace no/t.jsonl")).toThrow(
      /^--trace no\/t\.jsonl: expected a file in an existing directory, found no such directory/,
    );
    expect(() => new JsonlFileTrace("/dev/null", "--trace /dev/null")).toThrow(InputError);
    expect(readdirSync(dir)).toEqual(["sub"]);
  });

  it("a rename that fails at close removes the temporary file and names the flag", () => {
    const dir = fresh();
    const path = join(dir, "t.jsonl");
    const trace = new JsonlFileTrace(path, "--trace t.jsonl");
    trace.record({ t: 0, type: "x" });
    // The target became a non-empty directory during the run: rename(2) cannot replace it.
    mkdirSync(join(path, "inside"), { recursive: true });
    expect(() => trace.close()).toThrow(
      /^--trace t\.jsonl: expected a file teamsim can write, found /,
    );
    expect(readdirSync(dir)).toEqual(["t.jsonl"]);
    // A second close or an abort after the failure is quiet (the run's error handler calls abort).
    expect(() => trace.abort()).not.toThrow();
  });

  it("a process that exits mid-trace (closed pipe, second Ctrl-C) leaves no temporary file", () => {
    const dir = fresh();
    const module = join(import.meta.dirname, "../../dist/src/experiment/JsonlFileTrace.js");
    const script = `
      const { JsonlFileTrace } = await import(${JSON.stringify(module)});
      const trace = new JsonlFileTrace(${JSON.stringify(join(dir, "t.jsonl"))});
      trace.record({ t: 0, type: "x" });
      process.exit(0);`;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      encoding: "utf8",
    });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(readdirSync(dir)).toEqual([]);
  });
});
