import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runInProcess } from "../cli/fuzz/runCli.js";

// Facts that hold between fields (a name and the team, two groups of one
// partition, a flag and the scenario's replicates): each case is the scenario
// (or flags) and the one line `teamsim` must print, with exit code 2. The
// command line runs in this process (main resolves to the exit code that
// bin/teamsim.js sets); one case also runs as a real process.

const BIN = join(import.meta.dirname, "../../bin/teamsim.js");
const ROOT = join(import.meta.dirname, "../..");
const dir = mkdtempSync(join(tmpdir(), "teamsim-cross-"));

/** `teamsim ...args` in this process, from the repository root: its exit code and what it wrote. */
async function teamsim(args: string[]) {
  const cwd = process.cwd();
  process.chdir(ROOT);
  try {
    return await runInProcess(args);
  } finally {
    process.chdir(cwd);
  }
}

// A team of 5 voters with `line` as the scenario's 4th line.
const TEAM = "name: t\nagents: {model: gpt-4o, count: 5}\nteam: {protocol: independent}\n";

interface Case {
  name: string;
  /** The 4th line of the scenario (validated with `teamsim validate`), or ... */
  line?: string;
  /** ... a whole command line. */
  args?: string[];
  /** The expected stderr line; FILE stands for the scenario file. */
  message: string;
}

const CASES: Case[] = [
  {
    name: "a chain too long to build (the fuzzer's 2^53 subtasks ran out of memory)",
    line: "task: {kind: chain, subtasks: 9007199254740991}",
    message: "FILE:4:21: task.subtasks: expected <= 1000000, found 9007199254740991",
  },
  {
    name: "a fork-join whose stages × width passes the subtask limit",
    line: "task: {kind: fork-join, stages: 1000, width: 1000}",
    message:
      "FILE:4:39: task.width: expected stages × (width + 1) + 1 <= 1000000 subtasks (found 1000 × 1001 + 1), found 1000",
  },
  {
    name: "a layered graph with too many edge draws",
    line: "task: {kind: layered, layers: 1000, width: 1000}",
    message:
      "FILE:4:37: task.width: expected layers × width² <= 100000000 (edge draws; found 1000 × 1000²), found 1000",
  },
  {
    name: "too many questions",
    line: "task: {items: 1e9}",
    message: "FILE:4:8: task.items: expected <= 1000000, found 1000000000",
  },
  {
    name: "a node in two groups of one partition",
    line: "faults: [{at_s: 0, partition: [[agent-0, agent-1], [agent-1, agent-2]]}]",
    message:
      'FILE:4:53: faults.0.partition.1.0: expected each node in one group of the partition (agent-1 is in group 0 too), found "agent-1"',
  },
  {
    name: "the same overlap, groups the other way round",
    line: "faults: [{at_s: 0, partition: [[agent-1, agent-2], [agent-0, agent-1]]}]",
    message:
      'FILE:4:62: faults.0.partition.1.1: expected each node in one group of the partition (agent-1 is in group 0 too), found "agent-1"',
  },
  {
    name: "a crash of a member that does not exist",
    line: "faults: [{at_s: 0, crash: [agent-9]}]",
    message:
      'FILE:4:28: faults.0.crash.0: expected an agent of this team (agent-0 .. agent-4), found "agent-9"',
  },
  {
    name: "a Byzantine member that does not exist",
    line: "faults: [{at_s: 0, byzantine: [agent-9]}]",
    message:
      'FILE:4:32: faults.0.byzantine.0: expected an agent of this team (agent-0 .. agent-4), found "agent-9"',
  },
  {
    name: "a straggler that does not exist",
    line: "faults: [{at_s: 0, straggler: [agent-9], slowdown: 2}]",
    message:
      'FILE:4:32: faults.0.straggler.0: expected an agent of this team (agent-0 .. agent-4), found "agent-9"',
  },
  {
    name: "random crashes of a member that does not exist",
    line: "faults: [{crash_rate: {agents: [agent-7], per_hour: 1}}]",
    message:
      'FILE:4:33: faults.0.crash_rate.agents.0: expected an agent of this team (agent-0 .. agent-4), found "agent-7"',
  },
  {
    name: "a delayed link to a node that does not exist",
    line: "faults: [{delay: {dist: fixed, value_s: 2}, links: [[agent-0, agent-9]]}]",
    message:
      'FILE:4:63: faults.0.links.0.1: expected an agent of this team (agent-0 .. agent-4, coordinator), found "agent-9"',
  },
  {
    name: "a delayed link from a node to itself",
    line: "faults: [{delay: {dist: fixed, value_s: 2}, links: [[agent-0, agent-0]]}]",
    message:
      'FILE:4:63: faults.0.links.0.1: expected a node other than agent-0 (a link joins two different nodes), found "agent-0"',
  },
  {
    name: "a network link to a node that does not exist",
    line: "network: {links: [{between: [agent-0, agent-8], loss: 0.5}]}",
    message:
      'FILE:4:39: network.links.0.between.1: expected a node of this team (agent-0 .. agent-4, coordinator), found "agent-8"',
  },
  {
    name: "a network link from a node to itself",
    line: "network: {links: [{between: [agent-0, agent-0], loss: 0.5}]}",
    message:
      'FILE:4:39: network.links.0.between.1: expected a node other than agent-0 (a link joins two different nodes), found "agent-0"',
  },
  {
    name: "a straggler slowdown below 1 (a number)",
    line: "faults: [{straggler: [agent-1], slowdown: 0.5}]",
    message:
      "FILE:4:33: faults.0.slowdown: expected a slowdown factor >= 1 (a straggler's calls are slower, not faster; found value 0.5), found 0.5",
  },
  {
    name: "a straggler slowdown below 1 (a fixed distribution)",
    line: "faults: [{straggler: [agent-1], slowdown: {dist: fixed, value: 0.5}}]",
    message:
      "FILE:4:33: faults.0.slowdown: expected a slowdown factor >= 1 (a straggler's calls are slower, not faster; found value 0.5), found a mapping",
  },
  {
    name: "a straggler slowdown with median below 1",
    line: "faults: [{straggler: [agent-1], slowdown: {dist: lognormal, median: 0.5, sigma: 1}}]",
    message:
      "FILE:4:61: faults.0.slowdown.median: expected a slowdown whose median is >= 1 (a straggler's calls are slower, and draws below 1 count as 1; this one's median is 0.5), found 0.5",
  },
  {
    name: "a straggler slowdown drawn from a beta (always below 1)",
    line: "faults: [{straggler: [agent-1], slowdown: {dist: beta, a: 2, b: 2}}]",
    message:
      "FILE:4:44: faults.0.slowdown.dist: expected a slowdown whose median is >= 1 (a straggler's calls are slower, and draws below 1 count as 1; this one's median is below 1), found \"beta\"",
  },
  {
    name: "raft's first leader outside the team",
    args: ["validate", "scenarios/raft-failover.yaml", "--set", "team.first_leader=9"],
    message:
      "--set team.first_leader=9: team.first_leader: expected a member of the team: 0 .. 4 (agent-0 .. agent-4), or null for a random one, found 9",
  },
  {
    name: "--replicate beyond the scenario's replicates",
    args: ["run", "scenarios/quickstart.yaml", "--set", "replicates=3", "--replicate", "999"],
    message:
      '--replicate: expected a replicate number from 0 to 2 (the scenario has 3 replicates), found "999"',
  },
  {
    name: "--replicate one past the last",
    args: ["run", "scenarios/quickstart.yaml", "--set", "replicates=3", "--replicate", "3"],
    message:
      '--replicate: expected a replicate number from 0 to 2 (the scenario has 3 replicates), found "3"',
  },
];

describe("cross-field validation: every case is one located line and exit 2", () => {
  it.each(CASES)("$name", async ({ name, line, args, message }) => {
    let argv = args;
    let file = "";
    if (line !== undefined) {
      file = join(dir, `${name.replace(/\W+/g, "-")}.yaml`);
      writeFileSync(file, `${TEAM}${line}\n`);
      argv = ["validate", file];
    }
    const r = await teamsim(argv ?? []);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`teamsim: ${message.replace("FILE", file)}\n`);
  });

  it.each([
    ["a slowdown of exactly 1 (no slowdown)", "faults: [{straggler: [agent-1], slowdown: 1}]"],
    [
      "a slowdown partly below 1 with median >= 1 (draws below 1 count as 1)",
      "faults: [{straggler: [agent-1], slowdown: {dist: uniform, min: 0.5, max: 3}}]",
    ],
    [
      "disjoint partition groups, the coordinator in one",
      "faults: [{partition: [[coordinator, agent-0], [agent-1, agent-2]], heal_at_s: 5}]",
    ],
    ["a link between two different nodes", "network: {links: [{between: [agent-0, agent-1]}]}"],
  ])("still accepts %s", async (name, line) => {
    const file = join(dir, `ok-${name.replace(/\W+/g, "-")}.yaml`);
    writeFileSync(file, `${TEAM}${line}\n`);
    const r = await teamsim(["validate", file]);
    expect(r.code, r.stderr).toBe(0);
  });

  it("accepts raft's first leader inside the team and null (random)", async () => {
    for (const v of ["4", "null"]) {
      const r = await teamsim([
        "validate",
        "scenarios/raft-failover.yaml",
        "--set",
        `team.first_leader=${v}`,
      ]);
      expect(r.code, r.stderr).toBe(0);
    }
  });

  it("runs the last replicate of the scenario", async () => {
    const r = await teamsim([
      "run",
      "scenarios/quickstart.yaml",
      "--set",
      "replicates=3",
      "--set",
      "task.items=5",
      "--replicate",
      "2",
      "--json",
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).replicate).toBe(2);
  });

  it("exits 2 with the one line as a real process too", () => {
    const args = [
      "run",
      "scenarios/quickstart.yaml",
      "--set",
      "replicates=3",
      "--replicate",
      "999",
    ];
    const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", cwd: ROOT });
    expect(r.status, r.stderr).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      'teamsim: --replicate: expected a replicate number from 0 to 2 (the scenario has 3 replicates), found "999"\n',
    );
  });
});
