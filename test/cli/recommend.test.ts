import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// End-to-end: `teamsim recommend --models` through the real bin.
const BIN = join(import.meta.dirname, "../../bin/teamsim.js");
const CASCADE = join(import.meta.dirname, "../../scenarios/cascade.yaml");
const LEADER = join(import.meta.dirname, "../../scenarios/strong-leader.yaml");
const dir = mkdtempSync(join(tmpdir(), "teamsim-recommend-"));

function teamsim(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const SMALL = ["--set", "task.items=20", "--replicates", "3", "--max-n", "2", "--quiet"];

describe("teamsim recommend --models", () => {
  it("prints the Pareto front with the choice marked, the --set to use it, and draws the front", () => {
    const svg = join(dir, "front.svg");
    const args = ["recommend", CASCADE, "--models", "llama-3-70b,claude-sonnet-4-6"];
    const r = teamsim(...args, "--structures", "single,cascade,independent", ...SMALL, "-o", svg);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/over teams of llama-3-70b, claude-sonnet-4-6; 11 candidates/);
    expect(r.stdout).toMatch(/Pareto front of accuracy, cost and makespan: \d+ of the 11 teams/);
    // The choice is a row of the front, marked ">".
    const chosen = r.stdout.split("\n").filter((l) => /^│ > │/.test(l));
    expect(chosen).toHaveLength(1);
    expect(r.stdout).toMatch(/use: --set team.protocol=\S+ --set 'agents=\[\{model: /);
    expect(readFileSync(svg, "utf8")).toMatch(/^<svg/);
    // The printed --set reproduces the chosen team.
    const json = JSON.parse(
      teamsim(...args, "--structures", "single,cascade,independent", ...SMALL, "--json").stdout,
    );
    expect(json.choice.pareto).toBe(true);
    expect(json.candidates).toHaveLength(11);
    const use = /--set '(agents=[^']+)'/.exec(r.stdout)?.[1] as string;
    const v = teamsim(
      "validate",
      CASCADE,
      "--set",
      use,
      "--set",
      `team.protocol=${json.choice["team.protocol"]}`,
    );
    expect(v.code).toBe(0);
  });

  it("bad compositions exit 2 with one located line: unknown model, count 0, role missing", () => {
    const unknown = teamsim("recommend", CASCADE, "--models", "gpt-4o,gpt-9", ...SMALL);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(
      /^teamsim: --models: expected models from models\/ \(.*\), found "gpt-9"\n$/,
    );
    const zero = teamsim(
      "recommend",
      CASCADE,
      "--models",
      "gpt-4o",
      "--set",
      "agents.0.count=0",
      ...SMALL,
    );
    expect(zero.code).toBe(2);
    expect(zero.stderr).toBe(
      "teamsim: --set agents.0.count=0: agents.0.count: expected >= 1, found 0\n",
    );
    const role = teamsim(
      "recommend",
      LEADER,
      "--models",
      "gpt-4o",
      "--set",
      "agents.0.role=worker",
    );
    expect(role.code).toBe(2);
    expect(role.stderr).toMatch(
      /agents.0.role: expected the role leader-worker gives agent-0: leader/,
    );
    expect(role.stderr.split("\n")).toHaveLength(2);
    const empty = teamsim("recommend", CASCADE, "--models", ",", ...SMALL);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/--models/);
    expect(existsSync(join(dir, "none.svg"))).toBe(false);
  });

  it("a search past the limit is refused before any simulation", () => {
    const r = teamsim(
      "recommend",
      CASCADE,
      "--models",
      "gpt-4o,llama-3-70b,gemini-3-flash,claude-sonnet-4-6,gpt-5.2",
      "--max-n",
      "12",
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /--models: expected at most 3000 candidates .*found \d+ candidates or more/,
    );
  });
});
