import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROTOCOLS } from "../../src/protocols/registry.js";

// Every shipped scenario runs from the CLI with --json and gives the output contract.
const ROOT = join(import.meta.dirname, "../..");
const files = readdirSync(join(ROOT, "scenarios")).filter((f) => f.endsWith(".yaml"));

describe("shipped scenarios", () => {
  it("include every protocol's example plus the comparisons", () => {
    for (const p of PROTOCOLS) expect(files).toContain(basename(p.example));
    for (const name of ["team-vs-single", "hierarchical-vs-p2p", "quickstart"]) {
      expect(files).toContain(`${name}.yaml`);
    }
  });

  it.each(files)("%s runs with --json and the contract fields", (file) => {
    const r = spawnSync(
      process.execPath,
      [
        join(ROOT, "bin/teamsim.js"),
        "run",
        join(ROOT, "scenarios", file),
        "--json",
        "--quiet",
        "--set",
        "replicates=3",
      ],
      {
        encoding: "utf8",
      },
    );
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.replicates).toBe(3);
    const s = doc.summary;
    for (const m of [
      "accuracy",
      "makespan_s",
      "speedup",
      "tokens",
      "cost_usd",
      "messages",
      "conflicts",
      "rework",
      "idle_fraction",
      "rounds",
    ]) {
      for (const k of ["mean", "p50", "p95"]) expect(typeof s[m][k], `${m}.${k}`).toBe("number");
      expect(s[m].ci95, `${m}.ci95`).toHaveLength(2);
    }
    expect(typeof s.violations).toBe("number");
    expect(s.violations).toBe(0);
  });
});
