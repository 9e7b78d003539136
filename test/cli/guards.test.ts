import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MAX_WORK_EVENTS } from "../../src/experiment/estimateWork.js";

// Issue 13's resource guards, end to end through the built bin (dist/): a job
// too big for the machine is refused before it starts, with its estimate, in
// one line and exit 2, instead of hanging or dying out of memory.
const BIN = join(import.meta.dirname, "../../bin/teamsim.js");
const S = (name: string) => join(import.meta.dirname, "../../scenarios", name);
const dir = mkdtempSync(join(tmpdir(), "teamsim-guards-"));

function teamsim(args: readonly string[], env: Record<string, string> = {}) {
  // Without the guards some of these ran for hours: the timeout makes that a failure.
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: dir,
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, TEAMSIM_YES: "", TEAMSIM_MAX_WORK: "", ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const limit = MAX_WORK_EVENTS.toExponential(1)
  .replace(/\.0e\+?/, "e")
  .replace("e+", "e");
const overWork = new RegExp(
  `expected at most ${limit.replace(".", "\\.")} events of work \\(about 2 min of one core; --yes or TEAMSIM_YES=1 runs it anyway\\), found an estimated `,
);
const overMemory =
  /expected a job that fits in memory \(at most \d+ GB: three quarters of Node's heap, raised by NODE_OPTIONS=--max-old-space-size=MB\), found an estimated /;
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const seq = (k: number) => Array.from({ length: k }, (_, i) => i + 1).join(",");

// Each case: the command line, the environment, and the one line it must exit 2 with.
const REFUSED: [string, string[], Record<string, string>, RegExp][] = [
  [
    "run: replicates=1e9",
    ["run", S("quickstart.yaml"), "--set", "replicates=1e9"],
    {},
    new RegExp(`quickstart\\.yaml: ${overMemory.source}\\d+ TB \\(1e9 runs, 1\\.4e12 LLM calls`),
  ],
  [
    "run: replicates=1e9 even with --yes (memory)",
    ["run", S("quickstart.yaml"), "--set", "replicates=1e9", "--yes"],
    {},
    overMemory,
  ],
  [
    "run: agents.count=100000 (within MAX_AGENTS)",
    ["run", S("quickstart.yaml"), "--set", "agents.count=100000"],
    {},
    /quickstart\.yaml: expected .*found an estimated .*\(200 runs, 4e9 LLM calls, 8e9 messages/,
  ],
  [
    "run: agents.count=1e9 (was a V8 out-of-memory crash in validation)",
    ["run", S("quickstart.yaml"), "--set", "agents.count=1e9"],
    {},
    /--set agents\.count=1e9: agents\.count: expected <= 100000, found 1000000000$/,
  ],
  [
    "validate: agents.count=1e9",
    ["validate", S("quickstart.yaml"), "--set", "agents.count=1e9"],
    {},
    /agents\.count: expected <= 100000, found 1000000000$/,
  ],
  [
    "run: pbft of 200 (O(n²) messages per item)",
    ["run", S("pbft-byzantine.yaml"), "--set", "agents.count=200"],
    {},
    new RegExp(`pbft-byzantine\\.yaml: ${overWork.source}1\\.5e9, about 81 min \\(100 runs`),
  ],
  [
    "run: debate rounds=1e9",
    ["run", S("debate.yaml"), "--set", "team.rounds=1e9", "--set", "replicates=2"],
    {},
    overMemory,
  ],
  [
    "run: task.choices=1e9 (tallies of a billion slots)",
    ["run", S("quickstart.yaml"), "--set", "task.choices=1e9", "--set", "replicates=2"],
    {},
    overMemory,
  ],
  [
    "run: a lower limit (TEAMSIM_MAX_WORK)",
    ["run", S("quickstart.yaml"), "--set", "replicates=20", "-q"],
    { TEAMSIM_MAX_WORK: "1e5" },
    /quickstart\.yaml: expected at most 1e5 events of work \(under 1 s of one core; --yes or TEAMSIM_YES=1 runs it anyway\), found an estimated 1\.8e5, under 1 s \(20 runs, 28000 LLM calls, 40000 messages; \d+ MB of memory\)$/,
  ],
  [
    "run: TEAMSIM_MAX_WORK not a number",
    ["run", S("quickstart.yaml"), "--set", "replicates=2", "-q"],
    { TEAMSIM_MAX_WORK: "lots" },
    /^teamsim: TEAMSIM_MAX_WORK: expected a number of events >= 0 \(e\.g\. 1e8\), found "lots"$/,
  ],
  [
    "run: TEAMSIM_YES neither yes nor no",
    ["run", S("quickstart.yaml"), "--set", "replicates=2", "-q"],
    { TEAMSIM_MAX_WORK: "0", TEAMSIM_YES: "maybe" },
    /^teamsim: TEAMSIM_YES: expected 1 \(run jobs over the work limit\) or 0, found "maybe"$/,
  ],
  [
    "sweep: 160,000 points (overflowed the stack)",
    [
      "sweep",
      S("quickstart.yaml"),
      "--out",
      "s1",
      "--sweep",
      `agents.count=${seq(400)}`,
      "--sweep",
      `task.items=${seq(400)}`,
    ],
    {},
    /^teamsim: --sweep: expected at most 10000 sweep points \(fewer values per axis, or a sweep per slice of an axis\), found 160000 points \(400 agents\.count × 400 task\.items\)$/,
  ],
  [
    "sweep: more results than the store holds",
    [
      "sweep",
      S("quickstart.yaml"),
      "--out",
      "s2",
      "--sweep",
      `task.items=${seq(1000)}`,
      "--set",
      "replicates=1000",
    ],
    {},
    /^teamsim: --sweep: expected at most 500000 results, points × replicates .*found 1000 points × 1000 replicates = 1000000$/,
  ],
  [
    "sweep: the sum over points",
    ["sweep", S("quickstart.yaml"), "--out", "s3", "--sweep", "agents.count=50,100,200", "-q"],
    {},
    new RegExp(`quickstart\\.yaml: ${overWork.source}.*\\(600 runs, `),
  ],
  ...["0", "-1", "1.5", "two", ""].map((w): [string, string[], Record<string, string>, RegExp] => [
    `sweep: --workers ${JSON.stringify(w)}`,
    [
      "sweep",
      S("quickstart.yaml"),
      "--out",
      "s4",
      "--sweep",
      "agents.count=1,3",
      "--set",
      "replicates=2",
      "--workers",
      w,
      "-q",
    ],
    {},
    new RegExp(
      `^teamsim: --workers: expected an integer >= 1, found ${escape(JSON.stringify(w))}$`,
    ),
  ]),
  [
    "compare: --max-n 1e6 (hung)",
    ["compare", S("quickstart.yaml"), "--law", "vote-mixture", "--max-n", "1e6"],
    {},
    /^teamsim: --max-n: expected an integer from 1 to 100000 \(the largest team a scenario may have\), found 1000000$/,
  ],
  [
    "compare: --max-n 1000 (the sum over team sizes)",
    ["compare", S("quickstart.yaml"), "--law", "vote-mixture", "--max-n", "1000", "-q"],
    {},
    new RegExp(`quickstart\\.yaml: ${overWork.source}.*\\(2e5 runs, `),
  ],
  [
    "recommend: --max-n 1e6",
    ["recommend", S("voting-mixture.yaml"), "--max-n", "1e6"],
    {},
    /^teamsim: --max-n: expected an integer from 1 to 100000/,
  ],
  [
    "recommend: --max-n 100 (the sum over candidates)",
    ["recommend", S("voting-mixture.yaml"), "--max-n", "100", "-q"],
    {},
    new RegExp(`voting-mixture\\.yaml: ${overWork.source}.*\\(16020 runs, `),
  ],
  [
    "check: --runs 100000",
    ["check", S("raft-failover.yaml"), "--runs", "100000", "-q"],
    {},
    new RegExp(`raft-failover\\.yaml: ${overWork.source}`),
  ],
  [
    "replicate: cells × replicates over a lower limit",
    ["replicate", "paper", "--replicates", "2000", "-q"],
    { TEAMSIM_MAX_WORK: "1e6" },
    /^teamsim: --replicates: expected at most 1e6 events of work .*found an estimated 1\.4e7, about 48 s \(3\.6e5 runs; \d+ MB of memory\)$/,
  ],
  [
    "curve: a team of a billion",
    ["curve", "vote-beta", "--param", "a=2", "--param", "b=1", "--n", "1000000000"],
    {},
    /^teamsim: --n 1000000000: expected team sizes up to 100000, found 1000000000$/,
  ],
];

describe("resource guards: refused before they start, in one line, exit 2", () => {
  it.each(REFUSED)("%s", (_name, args, env, message) => {
    const r = teamsim(args, env);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe("");
    const lines = r.stderr.trim().split("\n");
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^teamsim: /);
    expect(lines[0]).toMatch(message);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  });
});

describe("--yes and TEAMSIM_YES=1 let a job over the limit run", () => {
  // Just over a lowered limit (an estimate of 1.8e5 events against 1e5), and small.
  const args = ["run", S("quickstart.yaml"), "--set", "replicates=20", "--json", "-q"];
  const low = { TEAMSIM_MAX_WORK: "1e5" };

  it.each([
    ["--yes", [...args, "--yes"], low],
    ["-y", [...args, "-y"], low],
    ["TEAMSIM_YES=1", args, { ...low, TEAMSIM_YES: "1" }],
    ["under the limit", args, { TEAMSIM_MAX_WORK: "2e5" }],
  ])("%s", (_name, argv, env) => {
    const r = teamsim(argv, env);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).replicates).toBe(20);
  });

  it("the same command is refused without them", () => {
    const r = teamsim(args, low);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--yes or TEAMSIM_YES=1 runs it anyway/);
  });
});

describe("--workers is capped at the CPUs", () => {
  it("with one warning line, and the sweep runs", () => {
    const cpus = availableParallelism();
    const r = teamsim([
      "sweep",
      S("quickstart.yaml"),
      "--out",
      "w",
      "--sweep",
      "agents.count=1,3",
      "--set",
      "replicates=2",
      "--set",
      "task.items=5",
      "--workers",
      "1000",
      "--json",
      "-q",
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(
      `teamsim: warning: --workers 1000 is more than the ${cpus} CPUs; using ${cpus}\n`,
    );
    expect(JSON.parse(r.stdout).workers).toBe(cpus);
  });
});
