import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// End-to-end through the built bin: worker threads run the compiled dist/ code.
const BIN = join(import.meta.dirname, "../../bin/teamsim.js");
const QUICK = join(import.meta.dirname, "../../scenarios/quickstart.yaml");
// 2 points x 6 replicates of a small vote.
const GRID = ["--sweep", "agents.count=1,3", "--set", "replicates=6", "--set", "task.items=20"];

function teamsim(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: "utf8",
    env: { ...process.env, ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const root = mkdtempSync(join(tmpdir(), "teamsim-sweep-"));
const read = (dir: string, f: string) => readFileSync(join(dir, f), "utf8");
const sortedResults = (dir: string) =>
  read(dir, "results.jsonl").split("\n").filter(Boolean).sort();

function sweep(name: string, extra: string[], env: Record<string, string> = {}) {
  const dir = join(root, name);
  const r = teamsim(["sweep", QUICK, "--out", dir, "-q", ...GRID, ...extra], env);
  expect(r.code, r.stderr).toBe(0);
  return dir;
}

describe("teamsim sweep", () => {
  const ref = sweep("w1", ["--workers", "1"]);

  it("writes results, summaries and a manifest", () => {
    const lines = sortedResults(ref).map((l) => JSON.parse(l));
    expect(lines).toHaveLength(12);
    expect(lines[0]).toMatchObject({ point: 0, replicate: 0, params: { "agents.count": 1 } });
    expect(typeof lines[0].accuracy).toBe("number");
    const rows = JSON.parse(read(ref, "summary.json"));
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatchObject({ point: 1, "agents.count": 3, replicates: 6 });
    for (const k of ["accuracy.mean", "accuracy.p50", "accuracy.p95", "accuracy.ci95_lo"])
      expect(typeof rows[1][k]).toBe("number");
    const header = read(ref, "summary.csv").split("\n")[0].split(",");
    expect(header.slice(0, 4)).toEqual(["point", "agents.count", "replicates", "accuracy.mean"]);
    const manifest = JSON.parse(read(ref, "manifest.json"));
    expect(manifest).toMatchObject({ points: 2, replicates: 6, tasks: 12, shard: null, seed: 42 });
    expect(manifest.scenario_hash).toMatch(/^[0-9a-f]{64}$/);
    // Common random numbers: replicate r's task is the same at every point.
    expect(lines[0].work_tokens).toBe(lines[6].work_tokens);
  });

  it("gives the same sorted results and summaries with 2 workers", () => {
    const w2 = sweep("w2", ["--workers", "2"]);
    expect(sortedResults(w2)).toEqual(sortedResults(ref));
    expect(read(w2, "summary.csv")).toBe(read(ref, "summary.csv"));
    expect(read(w2, "summary.json")).toBe(read(ref, "summary.json"));
  });

  it("merges shards (flag, Slurm and Kubernetes env vars) into the unsharded result", () => {
    const s1 = sweep("s1", ["--shard", "1/3"]);
    const s2 = sweep("s2", [], {
      SLURM_ARRAY_TASK_ID: "2",
      SLURM_ARRAY_TASK_MIN: "1",
      SLURM_ARRAY_TASK_COUNT: "3",
    });
    const s3 = sweep("s3", [], { JOB_COMPLETION_INDEX: "2", TEAMSIM_SHARDS: "3" });
    expect(JSON.parse(read(s2, "manifest.json")).shard).toEqual({ index: 2, count: 3 });
    expect(JSON.parse(read(s3, "manifest.json")).shard).toEqual({ index: 3, count: 3 });
    for (const s of [s1, s2, s3]) expect(sortedResults(s)).toHaveLength(4);
    const incomplete = teamsim(["merge", s1, s2, "--out", join(root, "m0")]);
    expect(incomplete.code).toBe(2);
    expect(incomplete.stderr).toMatch(/4 missing/);
    const dup = teamsim(["merge", s1, s2, s3, s1, "--out", join(root, "m0")]);
    expect(dup.code).toBe(2);
    expect(dup.stderr).toMatch(/also in/);
    const merged = join(root, "merged");
    const r = teamsim(["merge", s1, s2, s3, "--out", merged]);
    expect(r.code, r.stderr).toBe(0);
    expect(read(merged, "results.jsonl")).toBe(`${sortedByKey(ref).join("\n")}\n`);
    expect(sortedResults(merged)).toEqual(sortedResults(ref));
    expect(read(merged, "summary.csv")).toBe(read(ref, "summary.csv"));
    expect(read(merged, "summary.json")).toBe(read(ref, "summary.json"));
  });

  it("resumes a sweep killed with SIGKILL to the results of an uninterrupted one", async () => {
    const dir = join(root, "killed");
    const args = [BIN, "sweep", QUICK, "--out", dir, "-q", "--workers", "1"];
    args.push("--sweep", "agents.count=1,3", "--set", "replicates=40", "--set", "task.items=60");
    const child = spawn(process.execPath, args, { stdio: "ignore" });
    await killAfterLines(child, join(dir, "results.jsonl"), 5);
    const partial = sortedResults(dir).length;
    expect(partial).toBeGreaterThanOrEqual(5);
    expect(partial).toBeLessThan(80);
    expect(existsSync(join(dir, "summary.csv"))).toBe(false);
    const again = teamsim(["sweep", QUICK, "--out", dir, "-q", ...args.slice(8)]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/--resume/);
    const resumed = teamsim([...args.slice(1), "--resume", "--json"]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ skipped: partial, ran: 80 - partial });
    const whole = join(root, "whole");
    const r = teamsim(["sweep", QUICK, "--out", whole, "-q", ...args.slice(6)]);
    expect(r.code, r.stderr).toBe(0);
    expect(sortedResults(dir)).toEqual(sortedResults(whole));
    expect(read(dir, "summary.csv")).toBe(read(whole, "summary.csv"));
    expect(read(dir, "summary.json")).toBe(read(whole, "summary.json"));
  });

  it("exits 2 with a clear message on bad input and on mixing scenarios", () => {
    const bad = (extra: string[], re: RegExp) => {
      const r = teamsim(["sweep", QUICK, "--out", join(root, "bad"), "-q", ...extra]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(re);
      expect(r.stderr).not.toMatch(/at .*\.js/);
    };
    bad(["--sweep", "agents.colour=1,2"], /agents\.colour.*unknown field/);
    bad(["--sweep", "agents.count="], /agents\.count: expected a non-empty list/);
    bad([...GRID, "--shard", "3/2"], /--shard: expected i\/n.*"3\/2"/);
    const mix = sweep("mix", []);
    const other = teamsim([
      "sweep",
      QUICK,
      "--out",
      mix,
      "-q",
      ...GRID,
      "--set",
      "seed=7",
      "--resume",
    ]);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/cannot be mixed/);
  });
});

function sortedByKey(dir: string): string[] {
  return sortedResults(dir)
    .map((l) => ({ l, j: JSON.parse(l) }))
    .sort((a, b) => a.j.point - b.j.point || a.j.replicate - b.j.replicate)
    .map((x) => x.l);
}

async function killAfterLines(child: ChildProcess, file: string, n: number): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (existsSync(file) && readFileSync(file, "utf8").split("\n").length > n) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const exited = new Promise((r) => child.on("exit", r));
  child.kill("SIGKILL");
  await exited;
}
