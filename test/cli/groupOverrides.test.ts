import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// End-to-end: the real `teamsim` bin, as built by `npm test`'s pretest step.
const BIN = join(import.meta.dirname, "../../bin/teamsim.js");

describe("teamsim validate with a group's overrides", () => {
  it("a bad override: exit 2, one line naming file, line:column and the path inside the overrides", () => {
    const dir = mkdtempSync(join(tmpdir(), "teamsim-overrides-"));
    const bad = join(dir, "bad.yaml");
    writeFileSync(
      bad,
      [
        "agents:",
        "  - { model: gpt-4o, count: 1 }",
        "  - model: gpt-4o",
        "    count: 2",
        "    overrides:",
        "      latency: { ttft: { dist: lognormal, median_s: -1, sigma: 0.3 } }",
        "",
      ].join("\n"),
    );
    const r = spawnSync(process.execPath, [BIN, "validate", bad], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      `teamsim: ${bad}:6:43: agents.1.overrides.latency.ttft.median_s: expected > 0, found -1\n`,
    );
    expect(r.stdout).toBe("");
  });
});
