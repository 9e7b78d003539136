import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// End-to-end through the built bin, stderr a pipe (not a terminal): progress is plain lines.
const ROOT = join(import.meta.dirname, "../..");
const BIN = join(ROOT, "bin/teamsim.js");
const S = (f: string) => join(ROOT, "scenarios", f);
const dir = mkdtempSync(join(tmpdir(), "teamsim-progress-"));

function teamsim(args: string[], env: Record<string, string> = {}) {
  const base = { ...process.env };
  delete base.TEAMSIM_PROGRESS_INTERVAL_MS;
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: "utf8",
    env: { ...base, ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// The paper's data cut to one suite and teams of 1 and 2 (as in replicate.test.ts).
const paper = join(dir, "paper");
{
  const data = join(ROOT, "data/paper-llm-teams");
  const lines = (f: string) => readFileSync(join(data, f), "utf8").trim().split("\n");
  const runs = lines("runs.csv");
  const keep = runs.slice(1).filter((l) => {
    const c = l.split(",");
    return c[3] === "mathutilities" && c[4] === "0.9" && Number(c[5]) <= 2;
  });
  const ids = new Set(keep.map((l) => l.split(",")[0]));
  mkdirSync(paper);
  writeFileSync(join(paper, "runs.csv"), `${[runs[0], ...keep].join("\n")}\n`);
  for (const f of ["calls.csv", "rounds.csv"]) {
    const all = lines(f);
    const rows = all.slice(1).filter((l) => ids.has(l.split(",")[0]));
    writeFileSync(join(paper, f), `${[all[0], ...rows].join("\n")}\n`);
  }
}

let outs = 0;
// One row per long-running command: a small job, the last progress line it must print, and
// whether it is surely done within the default 5 s before a first line (on a busy machine too).
const COMMANDS: { name: string; args: () => string[]; last: RegExp; fast?: boolean }[] = [
  {
    name: "run",
    args: () => ["run", S("quickstart.yaml"), "--set", "replicates=3", "--set", "task.items=20"],
    last: /^teamsim: replicates 3\/3 \(100%\), [\d.?]+\/s, ETA 0 s$/,
    fast: true,
  },
  {
    name: "compare",
    args: () => [
      "compare",
      S("quickstart.yaml"),
      "--law",
      "vote-mixture",
      "--set",
      "replicates=3",
      "--set",
      "task.items=20",
    ],
    last: /^teamsim: compare: team sizes \d+\/\d+ \(100%\), [\d.?]+\/s, ETA 0 s$/,
  },
  {
    name: "recommend",
    args: () => [
      "recommend",
      S("voting-mixture.yaml"),
      "--structures",
      "independent",
      "--replicates",
      "2",
      "--max-n",
      "2",
      "--set",
      "task.items=20",
    ],
    last: /^teamsim: recommend: candidates 2\/2 \(100%\), [\d.?]+\/s, ETA 0 s$/,
  },
  {
    name: "check",
    args: () => ["check", S("raft-failover.yaml"), "--runs", "3", "--set", "task.items=5"],
    last: /^teamsim: fault plans 3\/3 \(100%\), [\d.?]+\/s, ETA 0 s$/,
  },
  {
    name: "replicate",
    args: () => [
      "replicate",
      "paper",
      "--data",
      paper,
      "--model",
      "gemini-3-flash",
      "--replicates",
      "2",
      "--params",
    ],
    last: /^teamsim: replicate 1\/1 \(100%\), [\d.?]+\/s, ETA 0 s$/,
  },
  {
    name: "sweep",
    args: () => [
      "sweep",
      S("quickstart.yaml"),
      "--out",
      join(dir, `sweep-${outs++}`),
      "--sweep",
      "agents.count=1,3",
      "--set",
      "replicates=2",
      "--set",
      "task.items=20",
      "--workers",
      "1",
    ],
    last: /^teamsim: sweep 4\/4 runs \(100%\), 2\/2 points, [\d.?]+ runs\/s, ETA 0 s$/,
    fast: true,
  },
];

const PROGRESS = /^teamsim: .* \d+\/\d+ .*\(\d+%\), .*\/s, ETA /;
const progressLines = (stderr: string) => stderr.split("\n").filter((l) => PROGRESS.test(l));

describe.each(COMMANDS)("progress of $name without a terminal", ({ args, last, fast }) => {
  it("prints plain lines (done/total, percent, rate, ETA) at the interval TEAMSIM_PROGRESS_INTERVAL_MS sets", () => {
    const r = teamsim(args(), { TEAMSIM_PROGRESS_INTERVAL_MS: "0" });
    expect(r.code, r.stderr).toBe(0);
    const lines = progressLines(r.stderr);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines[lines.length - 1]).toMatch(last);
  });

  it("prints none with -q", () => {
    const r = teamsim([...args(), "-q"], { TEAMSIM_PROGRESS_INTERVAL_MS: "0" });
    expect(r.code, r.stderr).toBe(0);
    expect(progressLines(r.stderr)).toEqual([]);
  });

  it.runIf(fast)("prints none for a job shorter than the default 5 s", () => {
    const r = teamsim(args());
    expect(r.code, r.stderr).toBe(0);
    expect(progressLines(r.stderr)).toEqual([]);
  });
});

describe("TEAMSIM_PROGRESS_INTERVAL_MS", () => {
  it.each(["x", "-1", " "])("%j is an error naming it (exit 2)", (value) => {
    const r = teamsim(COMMANDS[0].args(), { TEAMSIM_PROGRESS_INTERVAL_MS: value });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `teamsim: TEAMSIM_PROGRESS_INTERVAL_MS: expected a number of milliseconds >= 0, found ${JSON.stringify(value)}\n`,
    );
  });
});
