import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// End-to-end: the real `teamsim check`, as built by `npm test`'s pretest step.
const BIN = join(import.meta.dirname, "../../bin/teamsim.js");
const SCENARIOS = join(import.meta.dirname, "../../scenarios");
const dir = mkdtempSync(join(tmpdir(), "teamsim-check-"));

function teamsim(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", cwd: dir });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("teamsim check", () => {
  it("exits 1 on a violation, writes the shrunk scenario, and `run` reproduces it", () => {
    const out = join(dir, "split.yaml");
    const gossip = join(SCENARIOS, "gossip.yaml");
    const r = teamsim("check", gossip, "--set", "team.until=rounds", "--runs", "30", "-o", out);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^agreement: item \d+:/m);
    expect(r.stdout).toContain(`reproduce with: teamsim run ${out}`);
    expect(existsSync(out)).toBe(true);
    const replay = teamsim("run", out, "--json");
    expect(replay.code).toBe(0);
    expect(JSON.parse(replay.stdout).summary.violations).toBeGreaterThan(0);
  });

  it("--json reports plans, fault kinds and the violation (without the document)", () => {
    const gossip = join(SCENARIOS, "gossip.yaml");
    const r = teamsim("check", gossip, "--set", "team.until=rounds", "--runs", "30", "--json");
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ scenario: "gossip", protocol: "gossip", runs: 30 });
    expect(doc.violation.check).toBe("agreement");
    expect(doc.violation.scenario).toBeUndefined();
    expect(doc.violation.file).toBe("gossip-violation.yaml");
    expect(existsSync(join(dir, "gossip-violation.yaml"))).toBe(true);
  });

  it("exits 0 and lists what it tried when nothing fails", () => {
    const quick = join(SCENARIOS, "quickstart.yaml");
    const r = teamsim("check", quick, "--set", "task.items=3", "--runs", "20", "-q");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/no violation in 20 plans\nfault kinds tried \(5\): crash \d+, delay/);
  });

  it("bad flags exit 2 with one line naming the flag", () => {
    const quick = join(SCENARIOS, "quickstart.yaml");
    const r = teamsim("check", quick, "--runs", "0");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('teamsim: --runs: expected an integer from 1 to 100000, found "0"\n');
  });
});
