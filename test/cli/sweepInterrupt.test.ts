import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// End-to-end through the built bin: Ctrl-C (SIGINT) and kill (SIGTERM) during a sweep.
const BIN = join(import.meta.dirname, "../../bin/teamsim.js");
const QUICK = join(import.meta.dirname, "../../scenarios/quickstart.yaml");
const GRID = ["--sweep", "agents.count=1,3", "--set", "replicates=80", "--set", "task.items=60"];
const root = mkdtempSync(join(tmpdir(), "teamsim-interrupt-"));

function teamsim(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const read = (dir: string, f: string) => readFileSync(join(dir, f), "utf8");
const sorted = (dir: string) => read(dir, "results.jsonl").split("\n").filter(Boolean).sort();

// Starts a sweep, waits for `n` results lines, sends `signal`, and resolves with how it ended.
async function interrupt(args: string[], file: string, n: number, signal: NodeJS.Signals) {
  const child: ChildProcess = spawn(process.execPath, [BIN, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (d) => {
    stderr += d;
  });
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, sig) => resolve({ code, signal: sig })),
  );
  for (let i = 0; i < 1500; i++) {
    if (existsSync(file) && readFileSync(file, "utf8").split("\n").length > n) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill(signal);
  const end = await ended;
  // Let the last stderr bytes arrive.
  await new Promise((r) => setTimeout(r, 50));
  return { ...end, stderr };
}

describe("an interrupted sweep", () => {
  const whole = join(root, "whole");
  const ref = teamsim(["sweep", QUICK, "--out", whole, "-q", ...GRID, "--workers", "1"]);

  // One row per signal: its exit status, and the worker count it stops.
  const cases = [
    { signal: "SIGINT" as const, code: 130, workers: "1" },
    { signal: "SIGTERM" as const, code: 143, workers: "2" },
  ];
  it.each(cases)(
    "$signal: exits $code saying what is saved and how to resume, which ends as an uninterrupted sweep",
    async ({ signal, code, workers }) => {
      expect(ref.code, ref.stderr).toBe(0);
      const dir = join(root, signal);
      const args = ["sweep", QUICK, "--out", dir, ...GRID, "--workers", workers];
      const end = await interrupt(args, join(dir, "results.jsonl"), 5, signal);
      expect(end.signal).toBeNull();
      expect(end.code).toBe(code);
      const m = /^teamsim: interrupted: (\d+) of 160 runs saved in (\S+); resume with: (.*)$/m.exec(
        end.stderr,
      );
      expect(m, end.stderr).not.toBeNull();
      const [, saved, where, again] = m as RegExpExecArray;
      expect(where).toBe(dir);
      expect(Number(saved)).toBeGreaterThanOrEqual(5);
      expect(Number(saved)).toBeLessThan(160);
      // Every saved run is a whole line in the file, and nothing else was written.
      expect(sorted(dir)).toHaveLength(Number(saved));
      expect(existsSync(join(dir, "summary.json"))).toBe(false);
      expect(end.stderr).not.toMatch(/\n\s+at /);
      // The printed command, run as printed, finishes the sweep.
      expect(again).toBe(`teamsim ${args.join(" ")} --resume`);
      const resumed = spawnSync(
        "/bin/bash",
        ["-c", `${again.replace(/^teamsim /, `${process.execPath} ${BIN} `)} --json -q`],
        { encoding: "utf8" },
      );
      expect(resumed.status, resumed.stderr).toBe(0);
      expect(JSON.parse(resumed.stdout)).toMatchObject({ skipped: Number(saved), results: 160 });
      expect(sorted(dir)).toEqual(sorted(whole));
      expect(read(dir, "summary.csv")).toBe(read(whole, "summary.csv"));
      expect(read(dir, "summary.json")).toBe(read(whole, "summary.json"));
    },
  );
});
