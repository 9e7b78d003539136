import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/core/InputError.js";
import { PROTOCOLS } from "../../src/protocols/registry.js";
import { loadScenario, loadScenarioFrom } from "../../src/scenario/loadScenario.js";
import { scenarioJsonSchema } from "../../src/scenario/scenarioJsonSchema.js";
import { parseSourceText } from "../../src/scenario/validateYaml.js";
import { inputErrorOf } from "../helpers.js";

const dir = mkdtempSync(join(tmpdir(), "teamsim-scn-"));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const load = (text: string, sets: string[] = []) =>
  loadScenarioFrom(parseSourceText("s.yaml", text), { sets });

describe("loadScenario", () => {
  it("fills sensible defaults for everything left out", () => {
    const { scenario } = load("name: tiny\n");
    expect(scenario).toMatchObject({
      name: "tiny",
      seed: 1,
      replicates: 100,
      agents: { model: "gpt-4o", count: 1 },
      team: { protocol: "single" },
      task: { kind: "questions", items: 100, choices: 4, difficulty: { kind: "fixed", p: 0.7 } },
      network: {
        loss: 0,
        duplicate: 0,
        fifo: false,
        partition_mode: "drop",
        latency: { dist: "lognormal", median: 0.05, sigma: 0.5 },
      },
      faults: [],
    });
    expect(load("").scenario.name).toBe("scenario");
  });

  it("fills protocol defaults", () => {
    expect(load("team: { protocol: independent }").scenario.team).toEqual({
      protocol: "independent",
      aggregate: "majority",
      confidence: { calibration: 1, overconfidence: 0 },
      early_stop: false,
      failure_detector: "perfect",
    });
  });

  it("accepts JSON", () => {
    const f = file("s.json", JSON.stringify({ name: "j", agents: { model: "gpt-4o", count: 3 } }));
    expect(loadScenario(f).scenario.agents.count).toBe(3);
  });

  it("--set overrides numbers, strings and whole objects by dotted path", () => {
    const { scenario } = load(
      "agents: { count: 5 }\nnetwork: { latency: { dist: lognormal, median_s: 0.05, sigma: 0.5 } }\ntask: { kind: questions, difficulty: { kind: mixture, easy_fraction: 0.5, p_easy: 0.9, p_hard: 0.2 } }\n",
      [
        "agents.count=7",
        "task.difficulty={kind: fixed, p: 0.7}",
        "team.protocol=independent",
        "network.latency.median_s=0.2",
      ],
    );
    expect(scenario.agents.count).toBe(7);
    expect(scenario.task.difficulty).toEqual({ kind: "fixed", p: 0.7 });
    expect(scenario.team.protocol).toBe("independent");
    expect(scenario.network.latency).toEqual({ dist: "lognormal", median: 0.2, sigma: 0.5 });
  });

  it("--set indexes lists with numbers", () => {
    const { scenario } = load(
      "agents: { count: 3 }\nfaults:\n  - { at_s: 1, crash: [agent-1] }\n",
      ["faults.0.at_s=9"],
    );
    expect(scenario.faults[0].at_s).toBe(9);
  });

  describe("bad input: one located message", () => {
    const cases: [string, string, string][] = [
      ["malformed YAML", "agents: { count: 5\nteam: x\n", "s.yaml:2:1: expected valid YAML, found"],
      [
        "unknown field",
        "name: x\nagents:\n  model: gpt-4o\n  cuont: 5\n",
        's.yaml:4:3: agents.cuont: expected a known field (see `teamsim schema`), found unknown field "cuont"',
      ],
      [
        "wrong type",
        "replicates: many\n",
        's.yaml:1:1: replicates: expected a number, found "many"',
      ],
      [
        "negative count",
        "agents:\n  count: -3\n",
        "s.yaml:2:3: agents.count: expected >= 1, found -3",
      ],
      [
        "non-integer count",
        "agents: { count: 2.5 }\n",
        "s.yaml:1:11: agents.count: expected an integer, found 2.5",
      ],
      [
        "probability > 1",
        "task:\n  kind: questions\n  difficulty: { kind: fixed, p: 1.5 }\n",
        "s.yaml:3:30: task.difficulty.p: expected <= 1, found 1.5",
      ],
      [
        "unknown model",
        "agents: { model: gpt-9 }\n",
        's.yaml:1:11: agents.model: expected one of "claude-3-5-sonnet", "claude-sonnet-4-6", "gemini-3-flash", "gpt-4o", "gpt-5.2", "llama-3-70b", found "gpt-9"',
      ],
      [
        "unknown protocol",
        "team: { protocol: chaos }\n",
        `s.yaml:1:9: team.protocol: expected protocol one of ${PROTOCOLS.map((p) => JSON.stringify(p.name)).join(", ")}, found "chaos"`,
      ],
      [
        "unknown distribution",
        "network: { latency: { dist: weird, median_s: 1 } }\n",
        "s.yaml:1:23: network.latency.dist: expected dist one of",
      ],
      [
        "fault naming a missing agent",
        "agents: { count: 3 }\nfaults:\n  - { at_s: 5, crash: [agent-1, agent-7] }\n",
        's.yaml:3:33: faults.0.crash.1: expected an agent of this team (agent-0 .. agent-2), found "agent-7"',
      ],
      [
        "fault with two actions",
        "agents: { count: 3 }\nfaults:\n  - { at_s: 5, crash: [agent-1], heal: true }\n",
        "s.yaml:3:5: faults.0: expected exactly one of crash, recover, crash_rate, partition, heal, delay, loss, duplicate, byzantine, straggler, rate_limit (found crash and heal)",
      ],
      [
        "link naming a missing node",
        "agents: { count: 2 }\nteam: { protocol: independent }\nnetwork:\n  links:\n    - { between: [agent-0, agent-5], loss: 0.5 }\n",
        's.yaml:5:28: network.links.0.between.1: expected a node of this team (agent-0 .. agent-1, coordinator), found "agent-5"',
      ],
      [
        "link naming a node another protocol adds",
        "agents: { count: 2 }\nnetwork:\n  links:\n    - { between: [agent-0, coordinator] }\n",
        's.yaml:4:28: network.links.0.between.1: expected a node of this team (agent-0 .. agent-1), found "coordinator"',
      ],
      [
        "duplicate key",
        "seed: 1\nseed: 2\n",
        "s.yaml:2:1: expected valid YAML, found DUPLICATE_KEY",
      ],
    ];
    it.each(cases)("%s", (_name, text, message) => {
      const e = inputErrorOf(() => load(text));
      expect(e.message.startsWith(message) || e.message.includes(message)).toBe(true);
      expect(e.message).not.toContain("\n");
    });

    it("errors from --set name the override", () => {
      const e = inputErrorOf(() => load("agents: { count: 3 }\n", ["agents.count=-1"]));
      expect(e.message).toBe("--set agents.count=-1: agents.count: expected >= 1, found -1");
      expect(inputErrorOf(() => load("", ["agents.count"])).message).toContain(
        "expected path=value",
      );
      // An override that creates a mapping owns the errors inside it.
      expect(inputErrorOf(() => load("", ["network.latency.median_s=0.2"])).message).toMatch(
        /^--set network\.latency\.median_s=0\.2: network\.latency\.dist: expected dist one of/,
      );
    });

    it("a missing file is an InputError", () => {
      expect(inputErrorOf(() => loadScenario(join(dir, "nope.yaml"))).message).toContain(
        "expected a readable file, found no such file",
      );
    });
  });

  it("the JSON Schema lists the fields, the protocols and the models", () => {
    const schema = JSON.stringify(scenarioJsonSchema());
    for (const word of [
      "replicates",
      "horizon_s",
      "independent",
      "majority",
      "gpt-4o",
      "median_s",
      "partition_mode",
    ]) {
      expect(schema).toContain(word);
    }
  });
});
