import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// End-to-end: `teamsim compare` and `teamsim recommend` through the real bin.
const BIN = join(import.meta.dirname, "../../bin/teamsim.js");
const VOTING = join(import.meta.dirname, "../../scenarios/voting-mixture.yaml");
const dir = mkdtempSync(join(tmpdir(), "teamsim-compare-"));

function teamsim(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("teamsim compare", () => {
  it("--json prints per point exactly n, simulated, ci95, theory, within_ci", () => {
    const r = teamsim(
      "compare",
      VOTING,
      "--law",
      "vote-mixture",
      "--json",
      "--set",
      "replicates=20",
    );
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({
      scenario: "voting-mixture",
      law: "vote-mixture",
      metric: "accuracy",
      params: { easy_fraction: 0.6, p_easy: 0.85, p_hard: 0.3 },
    });
    expect(doc.points).toHaveLength(7);
    for (const p of doc.points) {
      expect(Object.keys(p)).toEqual(["n", "simulated", "ci95", "theory", "within_ci"]);
      expect(p.ci95).toHaveLength(2);
      expect(p.within_ci).toBe(p.theory >= p.ci95[0] && p.theory <= p.ci95[1]);
    }
    expect(doc.agree).toBe(doc.points.every((p: { within_ci: boolean }) => p.within_ci));
  });

  it("prints a table, exits 0 when the law disagrees, and draws a figure", () => {
    const svg = join(dir, "cmp.svg");
    // Amdahl underestimates this graph's speedup: a disagreement, not an error.
    const r = teamsim(
      "compare",
      join(import.meta.dirname, "../../scenarios/law-speedup.yaml"),
      "--law",
      "amdahl",
      "--set",
      "replicates=10",
      "-o",
      svg,
    );
    expect(r.code).toBe(0);
    for (const word of ["simulated", "95% CI", "theory", "within", "disagree"])
      expect(r.stdout).toContain(word);
    expect(readFileSync(svg, "utf8")).toMatch(/^<svg/);
  });

  it("a law without a mapping for the scenario exits 2 with the reason", () => {
    const r = teamsim("compare", VOTING, "--law", "straggler-max");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^teamsim: .*voting-mixture.yaml: .*straggler-max, which has none/);
    expect(r.stdout).toBe("");
    const beta = teamsim(
      "compare",
      VOTING,
      "--law",
      "vote-beta",
      "--set",
      "task.difficulty={kind: beta, a: 2, b: 1}",
      "--set",
      "agents.model=llama-3-70b",
    );
    expect(beta.code).toBe(2);
    expect(beta.stderr).toContain("no closed form with skill ≠ 0");
    const unknown = teamsim("compare", VOTING, "--law", "nope");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("--law: expected one of");
  });

  it("checks the figure path before simulating", () => {
    const r = teamsim("compare", VOTING, "--law", "vote-mixture", "-o", join(dir, "x.pdf"));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(".svg, .png or .html");
    expect(existsSync(join(dir, "x.pdf"))).toBe(false);
  });
});

describe("teamsim recommend", () => {
  it("--json gives the choice with flat dotted keys and nested settings", () => {
    const r = teamsim(
      "recommend",
      VOTING,
      "--objective",
      "accuracy",
      "--structures",
      "independent",
      "--replicates",
      "3",
      "--set",
      "task.items=20",
      "--json",
    );
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.choice).toMatchObject({
      "agents.count": 3,
      "team.protocol": "independent",
      agents: { count: 3 },
      team: { protocol: "independent" },
      source: { accuracy: "closed form", makespan_s: "simulation", cost_usd: "closed form" },
    });
    for (const k of ["accuracy", "makespan_s", "cost_usd"])
      expect(typeof doc.choice[k]).toBe("number");
    expect(doc.candidates).toHaveLength(9);
  });

  it("no candidate within the constraints: choice null, exit 0", () => {
    const r = teamsim(
      "recommend",
      VOTING,
      "--objective",
      "accuracy",
      "--structures",
      "independent",
      "--max-n",
      "2",
      "--replicates",
      "2",
      "--set",
      "task.items=10",
      "--budget-usd",
      "0",
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("choice: none (none of the 2 candidates meets the constraints)");
    const bad = teamsim("recommend", VOTING, "--objective", "speed");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--objective: expected accuracy | cost | latency | utility");
  });
});
