import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { InputError } from "../../src/core/InputError.js";
import { type CheckOptions, checkScenario } from "../../src/experiment/checkScenario.js";
import { runScenario } from "../../src/experiment/runScenario.js";
import { loadScenario, loadScenarioFrom } from "../../src/scenario/loadScenario.js";
import { parseSourceText } from "../../src/scenario/validateYaml.js";

const ROOT = join(import.meta.dirname, "../..");
const OPTIONS: CheckOptions = { runs: 40, seed: 1, maxFaults: 4, shrinkRuns: 300 };

describe("checkScenario", () => {
  const gossip = loadScenario(join(ROOT, "scenarios/gossip.yaml"), {
    sets: ["team.until=rounds"],
  });

  it("finds gossip's split decisions with fixed rounds and shrinks them to at most three faults", () => {
    const r = checkScenario(gossip, OPTIONS);
    const v = r.violation;
    expect(v).not.toBeNull();
    if (v === null) return;
    expect(v.check).toBe("agreement");
    expect(v.faults.length).toBeLessThanOrEqual(3);
    expect(v.faults.length).toBeLessThanOrEqual(v.original_faults);
    expect(r.plans).toBe(v.found_at_plan);
    // The written scenario is runnable and reproduces the violation.
    const replay = loadScenarioFrom(parseSourceText("violation.yaml", stringify(v.scenario)));
    expect(replay.scenario.agents.count).toBe(v.agents);
    const { report } = runScenario(replay);
    expect(report.violations.map((x) => x.check)).toContain("agreement");
  });

  it("is deterministic in its seed", () => {
    const a = checkScenario(gossip, { ...OPTIONS, runs: 10 });
    const b = checkScenario(gossip, { ...OPTIONS, runs: 10 });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });

  it("reports the plans and fault kinds it tried when nothing fails", () => {
    const quick = loadScenario(join(ROOT, "scenarios/quickstart.yaml"), {
      sets: ["task.items=5"],
    });
    const r = checkScenario(quick, { ...OPTIONS, runs: 30 });
    expect(r.violation).toBeNull();
    expect(r.plans).toBe(30);
    expect(Object.keys(r.kinds).sort()).toEqual(
      ["crash", "delay", "duplicate", "loss", "partition"].sort(),
    );
    // No Byzantine faults for a protocol that tolerates none.
    expect(Object.keys(r.kinds).some((k) => k.startsWith("byzantine"))).toBe(false);
  });

  it("generates Byzantine agents for PBFT, up to its bound", () => {
    const pbft = loadScenario(join(ROOT, "scenarios/pbft-byzantine.yaml"), {
      sets: ["task.items=3"],
    });
    const r = checkScenario(pbft, { ...OPTIONS, runs: 15 });
    expect(Object.keys(r.kinds).some((k) => k.startsWith("byzantine"))).toBe(true);
  });

  it("refuses a search too large to run, naming --runs", () => {
    expect(() => checkScenario(gossip, { ...OPTIONS, runs: 1e7 })).toThrow(InputError);
    expect(() => checkScenario(gossip, { ...OPTIONS, runs: 1e7 })).toThrow(/--runs/);
  });
});

describe("checkScenario with a team of groups", () => {
  it("keeps the groups' form when it writes a smaller team", () => {
    const loaded = loadScenario(join(ROOT, "scenarios/gossip.yaml"), {
      sets: [
        "team.until=rounds",
        "agents=[{model: gpt-4o, count: 2}, {model: llama-3-70b, count: 3}]",
      ],
    });
    const r = checkScenario(loaded, OPTIONS);
    const v = r.violation;
    expect(v).not.toBeNull();
    const agents = v?.scenario.agents as { model: string; count: number }[];
    expect(Array.isArray(agents)).toBe(true);
    expect(agents.reduce((s, g) => s + g.count, 0)).toBe(v?.agents);
  });
});
