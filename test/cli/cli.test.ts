import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// End-to-end: the real `teamsim` bin, as built by `npm test`'s pretest step.
const BIN = join(import.meta.dirname, "../../bin/teamsim.js");
const QUICK = join(import.meta.dirname, "../../scenarios/quickstart.yaml");

function teamsim(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const dir = mkdtempSync(join(tmpdir(), "teamsim-cli-"));

describe("teamsim CLI", () => {
  it("run --json prints the output contract", () => {
    const r = teamsim("run", QUICK, "--json", "--set", "replicates=5");
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ scenario: "quickstart", seed: 42, replicates: 5 });
    for (const k of ["accuracy", "makespan_s", "cost_usd", "tokens", "messages"])
      expect(typeof doc.summary[k].mean).toBe("number");
    expect(typeof doc.summary.makespan_s.p50).toBe("number");
    expect(typeof doc.summary.makespan_s.p95).toBe("number");
    expect(doc.summary.violations).toBe(0);
    expect(doc.summary.accuracy.ci95).toHaveLength(2);
  });

  it("run is byte-identical for the same seed, different for another, and --trace is reproducible", () => {
    const t1 = join(dir, "t1.jsonl");
    const t2 = join(dir, "t2.jsonl");
    const a = teamsim("run", QUICK, "--json", "--set", "replicates=3", "--trace", t1);
    const b = teamsim("run", QUICK, "--json", "--set", "replicates=3", "--trace", t2);
    const c = teamsim("run", QUICK, "--json", "--set", "replicates=3", "--seed", "43");
    expect(a.stdout).toBe(b.stdout);
    expect(c.stdout).not.toBe(a.stdout);
    expect(JSON.parse(c.stdout).seed).toBe(43);
    expect(readFileSync(t1, "utf8")).toBe(readFileSync(t2, "utf8"));
    const first = JSON.parse(readFileSync(t1, "utf8").split("\n")[0]);
    expect(first).toMatchObject({ t: 0, type: "run_start", replicate: 0 });
    expect(existsSync(`${t1}.tmp`)).toBe(false);
  });

  it("the report's config reproduces the run", () => {
    const a = teamsim(
      "run",
      QUICK,
      "--json",
      "--set",
      "replicates=4",
      "--set",
      "agents.count=3",
      "--seed",
      "9",
    );
    const again = join(dir, "again.json");
    writeFileSync(again, JSON.stringify(JSON.parse(a.stdout).config));
    const b = teamsim("run", again, "--json");
    expect(JSON.parse(b.stdout).summary).toEqual(JSON.parse(a.stdout).summary);
  });

  it("run prints a readable table", () => {
    const r = teamsim("run", QUICK, "--set", "replicates=3");
    expect(r.code).toBe(0);
    for (const word of [
      "accuracy",
      "makespan",
      "call latency",
      "tokens",
      "cost",
      "messages sent",
      "retries",
      "safety violations: 0",
    ]) {
      expect(r.stdout).toContain(word);
    }
  });

  it("bad scenario: exit 2, one line naming file, path and line:column, no stack trace", () => {
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, "agents:\n  model: gpt-4o\n  count: -2\n");
    for (const cmd of ["run", "validate"]) {
      const r = teamsim(cmd, bad);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`teamsim: ${bad}:3:3: agents.count: expected >= 1, found -2\n`);
      expect(r.stdout).toBe("");
    }
  });

  it("a bad --set value is exit 2 too", () => {
    const r = teamsim("run", QUICK, "--set", "task.difficulty={kind: fixed, p: 2}");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "--set task.difficulty={kind: fixed, p: 2}: task.difficulty.p: expected <= 1, found 2",
    );
  });

  it("validate accepts the shipped scenarios", () => {
    const r = teamsim("validate", QUICK);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("valid");
    const j = teamsim("validate", QUICK, "--json");
    expect(JSON.parse(j.stdout).network.partition_mode).toBe("drop");
  });

  it("schema prints a JSON Schema", () => {
    const r = teamsim("schema");
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.stdout);
    expect(schema.$schema).toContain("json-schema.org");
    expect(schema.properties.agents).toBeDefined();
  });

  it("models and protocols list what is available", () => {
    expect(teamsim("models").stdout).toContain("claude-sonnet-4-6");
    expect(JSON.parse(teamsim("models", "--json").stdout)).toHaveLength(6);
    expect(teamsim("protocols").stdout).toContain("independent");
  });

  it("unknown flags and missing arguments get commander's error and exit 2", () => {
    const r = teamsim("run", QUICK, "--frobnicate");
    expect(r.code).toBe(2);
    expect(teamsim("run", QUICK, "--replicate").code).toBe(2);
    expect(teamsim("--help").code).toBe(0);
    expect(r.stderr).toContain("unknown option '--frobnicate'");
  });
});

describe("reproducing a violation", () => {
  it("--replicate reruns exactly the replicate a violation names, with its trace", () => {
    const pbft = join(import.meta.dirname, "../../scenarios/pbft-byzantine.yaml");
    const all = JSON.parse(
      teamsim(
        "run",
        pbft,
        "--json",
        "--set",
        "agents.count=3",
        "--set",
        "replicates=3",
        "--set",
        "task.items=5",
      ).stdout,
    );
    expect(all.violations.length).toBeGreaterThan(0);
    const v = all.violations.find((x: { replicate: number }) => x.replicate === 2);
    const trace = join(dir, "violation.jsonl");
    const one = JSON.parse(
      teamsim(
        "run",
        pbft,
        "--json",
        "--set",
        "agents.count=3",
        "--set",
        "task.items=5",
        "--replicate",
        "2",
        "--trace",
        trace,
      ).stdout,
    );
    expect(one.replicate).toBe(2);
    expect(one.replicates).toBe(1);
    expect(one.violations.map((x: { detail: string }) => x.detail)).toContain(v.detail);
    const start = JSON.parse(readFileSync(trace, "utf8").split("\n")[0]);
    expect(start).toMatchObject({ type: "run_start", replicate: 2 });
    expect(teamsim("run", pbft, "--replicate", "-1").code).toBe(2);
  });
});
