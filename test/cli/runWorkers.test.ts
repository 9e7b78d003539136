import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// End-to-end through the built bin: `run --workers N` runs the replicates on the
// sweep's worker pool and prints exactly what one worker prints.
const ROOT = join(import.meta.dirname, "../..");
const BIN = join(ROOT, "bin/teamsim.js");
const S = (f: string) => join(ROOT, "scenarios", f);
const dir = mkdtempSync(join(tmpdir(), "teamsim-run-workers-"));

function teamsim(args: string[], env: Record<string, string> = {}) {
  const base = { ...process.env };
  delete base.TEAMSIM_PROGRESS_INTERVAL_MS;
  delete base.TEAMSIM_MAX_WORK;
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: "utf8",
    env: { ...base, ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// One row per scenario: faults (crashes and a partition), a mixed team of three
// models, and PBFT with a Byzantine member (violations in every replicate, so the
// 20 listed depend on the order replicates are summarized in).
const SCENARIOS = [
  { name: "faults-demo", args: [S("faults-demo.yaml"), "--set", "replicates=40"] },
  { name: "mixed-panel", args: [S("mixed-panel.yaml"), "--set", "replicates=40"] },
  {
    name: "pbft-byzantine",
    args: [S("pbft-byzantine.yaml"), "--set", "agents.count=3", "--set", "task.items=4"],
  },
];

describe("run --workers N", () => {
  it.each(SCENARIOS)("$name: --json is byte-identical for 1 and 2 workers", ({ args }) => {
    const one = teamsim(["run", ...args, "--json", "-q", "--workers", "1"]);
    const two = teamsim(["run", ...args, "--json", "-q", "--workers", "2"]);
    expect(one.code, one.stderr).toBe(0);
    expect(two.code, two.stderr).toBe(0);
    expect(two.stderr).toBe("");
    expect(two.stdout).toBe(one.stdout);
    const doc = JSON.parse(one.stdout);
    expect(doc.summary.accuracy.n).toBe(doc.replicates);
    // The default is one worker.
    expect(teamsim(["run", ...args, "--json", "-q"]).stdout).toBe(one.stdout);
  });

  it("the table, and auto (every CPU), are the same as with one worker", () => {
    const args = ["run", S("faults-demo.yaml"), "--set", "replicates=30", "-q"];
    const one = teamsim([...args, "--workers", "1"]);
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/^faults-demo: independent team of 5/);
    expect(teamsim([...args, "--workers", "2"]).stdout).toBe(one.stdout);
    expect(teamsim([...args, "--workers", "auto"]).stdout).toBe(one.stdout);
  });

  it("--trace with 2 workers writes replicate 0's trace, the same as with one", () => {
    const args = ["run", S("faults-demo.yaml"), "--set", "replicates=12", "--json", "-q"];
    const t1 = join(dir, "t1.jsonl");
    const t2 = join(dir, "t2.jsonl");
    const one = teamsim([...args, "--trace", t1, "--workers", "1"]);
    const two = teamsim([...args, "--trace", t2, "--workers", "2"]);
    expect(two.code, two.stderr).toBe(0);
    expect(two.stdout).toBe(one.stdout);
    const trace = readFileSync(t2, "utf8");
    expect(trace).toBe(readFileSync(t1, "utf8"));
    expect(trace).toMatch(
      /^\{"t":0,"type":"run_start","scenario":"faults-demo","seed":7,"replicate":0,/,
    );
  });

  it("--replicate r runs that one replicate whatever the workers", () => {
    const args = ["run", S("pbft-byzantine.yaml"), "--set", "agents.count=3", "--json", "-q"];
    const one = teamsim([...args, "--replicate", "3"]);
    const two = teamsim([...args, "--replicate", "3", "--workers", "2"]);
    expect(two.code, two.stderr).toBe(0);
    expect(two.stdout).toBe(one.stdout);
    expect(JSON.parse(two.stdout)).toMatchObject({ replicates: 1, replicate: 3 });
  });

  it.each(["0", "-2", "1.5", "many", ""])("refuses --workers %j with one line, exit 2", (w) => {
    const r = teamsim(["run", S("quickstart.yaml"), "--workers", w]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      `teamsim: --workers: expected an integer >= 1, or auto (every CPU), found ${JSON.stringify(w)}\n`,
    );
  });

  it("caps --workers above the CPUs with sweep's warning", () => {
    const args = ["run", S("quickstart.yaml"), "--set", "replicates=6", "--json", "-q"];
    const r = teamsim([...args, "--workers", "4096"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /^teamsim: warning: --workers 4096 is more than the \d+ CPUs; using \d+\n$/,
    );
    expect(r.stdout).toBe(teamsim(args).stdout);
  });

  it("refuses work over the limit before starting any worker", () => {
    const r = teamsim(["run", S("quickstart.yaml"), "--set", "replicates=20", "--workers", "2"], {
      TEAMSIM_MAX_WORK: "1e5",
    });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/expected at most 1e5 events of work/);
  });

  it("prints progress lines as replicates finish on the workers", () => {
    const r = teamsim(
      ["run", S("faults-demo.yaml"), "--set", "replicates=40", "--workers", "2", "--json"],
      { TEAMSIM_PROGRESS_INTERVAL_MS: "0" },
    );
    expect(r.code, r.stderr).toBe(0);
    const done = [...r.stderr.matchAll(/^teamsim: replicates (\d+)\/40 \(\d+%\), /gm)].map((m) =>
      Number(m[1]),
    );
    expect(done.length).toBeGreaterThan(2);
    expect(done).toEqual([...done].sort((a, b) => a - b));
    expect(done.at(-1)).toBe(40);
  });
});

// Starts a long parallel run, waits for its first progress lines, sends `signal`.
async function interrupt(args: string[], signal: NodeJS.Signals) {
  const child: ChildProcess = spawn(process.execPath, [BIN, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, TEAMSIM_PROGRESS_INTERVAL_MS: "0" },
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d) => {
    stdout += d;
  });
  child.stderr?.on("data", (d) => {
    stderr += d;
  });
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, sig) => resolve({ code, signal: sig })),
  );
  for (let i = 0; i < 1500 && !/replicates [1-9]/.test(stderr); i++)
    await new Promise((r) => setTimeout(r, 20));
  const sent = Date.now();
  child.kill(signal);
  const end = await ended;
  const seconds = (Date.now() - sent) / 1000;
  await new Promise((r) => setTimeout(r, 50));
  return { ...end, stdout, stderr, seconds };
}

describe("an interrupted run --workers 2", () => {
  const cases = [
    { signal: "SIGINT" as const, code: 130 },
    { signal: "SIGTERM" as const, code: 143 },
  ];
  it.each(cases)(
    "$signal: stops the workers and exits $code with one line, printing nothing else",
    async ({ signal, code }) => {
      const trace = join(dir, `${signal}.jsonl`);
      const args = [
        "run",
        S("quickstart.yaml"),
        "--set",
        "replicates=20000",
        "--yes",
        "--workers",
        "2",
        "--trace",
        trace,
      ];
      const end = await interrupt(args, signal);
      expect(end.signal).toBeNull();
      expect(end.code).toBe(code);
      expect(end.stdout).toBe("");
      const last = end.stderr.trim().split("\n").at(-1) as string;
      const m = /^teamsim: interrupted: (\d+) of 20000 replicates done; nothing printed$/.exec(
        last,
      );
      expect(m, end.stderr).not.toBeNull();
      expect(Number(m?.[1])).toBeGreaterThan(0);
      expect(Number(m?.[1])).toBeLessThan(20000);
      expect(end.stderr).not.toMatch(/\n\s+at /);
      // The workers are stopped, not waited for (a run of 20000 replicates takes minutes).
      expect(end.seconds).toBeLessThan(20);
      // No trace of an unfinished run, and no temporary file left.
      expect(existsSync(trace)).toBe(false);
      expect(readdirSync(dir).filter((f) => f.includes(`${signal}.jsonl`))).toEqual([]);
    },
  );
});
