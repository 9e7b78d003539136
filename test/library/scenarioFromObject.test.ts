import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { stableJson } from "../../src/cli/stableJson.js";
import { runScenario } from "../../src/experiment/runScenario.js";
import { loadScenario } from "../../src/scenario/loadScenario.js";
import { scenarioFromObject } from "../../src/scenario/scenarioFromObject.js";
import { inputErrorOf } from "../helpers.js";

// A small voting scenario, as a user would write it in code.
function quick(): Record<string, unknown> {
  return {
    name: "in-code",
    seed: 7,
    replicates: 4,
    agents: { model: "gpt-4o", count: 3 },
    team: { protocol: "independent", aggregate: "majority" },
    task: {
      kind: "questions",
      items: 20,
      difficulty: { kind: "mixture", easy_fraction: 0.6, p_easy: 0.85, p_hard: 0.3 },
    },
    network: { latency: { dist: "lognormal", median_s: 0.05, sigma: 0.5 } },
  };
}

const dir = mkdtempSync(join(tmpdir(), "teamsim-object-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The same document through a YAML file and through the object route.
function bothRoutes(doc: Record<string, unknown>, sets: string[] = []) {
  const file = join(dir, `${String(doc.name)}.yaml`);
  writeFileSync(file, stringify(doc));
  return {
    yaml: loadScenario(file, { sets }),
    object: scenarioFromObject(doc, { source: "in code", sets }),
  };
}

describe("scenarioFromObject", () => {
  it("fills the same defaults as the YAML route", () => {
    const { yaml, object } = bothRoutes(quick());
    expect(object.scenario).toEqual(yaml.scenario);
    expect(object.input).toEqual(yaml.input);
    expect(object.file).toBe("in code");
  });

  it("gives a byte-identical `run --json` report to the YAML route", () => {
    const { yaml, object } = bothRoutes(quick(), ["agents.count=5"]);
    const a = stableJson(runScenario(yaml).report);
    const b = stableJson(runScenario(object).report);
    expect(b).toBe(a);
    expect(JSON.parse(b).agents).toBe(5);
  });

  it("reports a bad field by its path, named by the source label", () => {
    const doc = quick();
    (doc.agents as Record<string, unknown>).count = 0;
    const e = inputErrorOf(() => scenarioFromObject(doc, { source: "notebook cell 3" }));
    expect(e.file).toBe("notebook cell 3");
    expect(e.docPath).toBe("agents.count");
    expect(e.line).toBeUndefined();
    expect(e.message).toBe("notebook cell 3: agents.count: expected >= 1, found 0");
  });

  it("words errors as the YAML route does (same path, expected and found)", () => {
    const doc = quick();
    (doc.task as Record<string, unknown>).difficulty = { kind: "mixture", easy_fraction: 2 };
    doc.colour = "red";
    const { object, yaml } = {
      object: inputErrorOf(() => scenarioFromObject(doc)),
      yaml: inputErrorOf(() => bothRoutes(doc)),
    };
    expect(object.file).toBe("scenario");
    expect([object.docPath, object.expected, object.found]).toEqual([
      yaml.docPath,
      yaml.expected,
      yaml.found,
    ]);
  });

  it("names the unknown model, with the list it was checked against", () => {
    const doc = quick();
    (doc.agents as Record<string, unknown>).model = "gpt-99";
    const e = inputErrorOf(() => scenarioFromObject(doc));
    expect(e.docPath).toBe("agents.model");
    expect(e.found).toBe('"gpt-99"');
  });

  it("refuses what is not a mapping", () => {
    expect(inputErrorOf(() => scenarioFromObject(null)).message).toBe(
      "scenario: expected a scenario (a mapping), found null",
    );
    expect(inputErrorOf(() => scenarioFromObject(undefined)).found).toBe("nothing");
    expect(inputErrorOf(() => scenarioFromObject([1, 2])).expected).toBe("a mapping");
  });

  it("refuses an object that contains itself, by the path of the loop", () => {
    const doc = quick();
    (doc.task as Record<string, unknown>).again = doc.task;
    const e = inputErrorOf(() => scenarioFromObject(doc));
    expect(e.docPath).toBe("task.again");
    expect(e.found).toBe("an object that contains itself");
  });

  it("accepts an object shared by two fields (not a loop)", () => {
    const latency = { dist: "lognormal", median_s: 0.05, sigma: 0.5 };
    const doc = { ...quick(), network: { latency } };
    const a = scenarioFromObject(doc);
    const b = scenarioFromObject({ ...quick(), network: { latency: { ...latency } } });
    expect(a.scenario).toEqual(b.scenario);
  });

  it("applies --set style overrides, and names them in errors", () => {
    const loaded = scenarioFromObject(quick(), { sets: ["agents.count=7", "replicates=2"] });
    expect(loaded.scenario.agents.count).toBe(7);
    expect(loaded.scenario.replicates).toBe(2);
    const e = inputErrorOf(() => scenarioFromObject(quick(), { sets: ["agents.count=-1"] }));
    expect(e.file).toBe("--set agents.count=-1");
  });

  it("copies the object: changing it afterwards changes nothing loaded", () => {
    const doc = quick();
    const loaded = scenarioFromObject(doc);
    (doc.agents as Record<string, unknown>).count = 9;
    expect(loaded.scenario.agents.count).toBe(3);
    expect((loaded.input as { agents: { count: number } }).agents.count).toBe(3);
  });
});
