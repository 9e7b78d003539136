import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { contextOverflowWarnings } from "../../src/agents/contextOverflow.js";
import { runReplicate } from "../../src/experiment/runReplicate.js";
import { getProtocol } from "../../src/protocols/registry.js";
import { profilesOf, World } from "../../src/runtime/World.js";
import { loadScenario } from "../../src/scenario/loadScenario.js";
import { scenarioOf, tracedReplicate } from "../helpers.js";

// A question whose prompt fits no member's context window can never be
// answered (MockLLM fails every call on it at once): it stays undecided,
// whatever a protocol settles it on after the failed calls, and `run` says why.

const ROOT = join(import.meta.dirname, "../..");
const BIN = join(ROOT, "bin/teamsim.js");
const HUGE = { dist: "fixed", value: 1e12 };

const base = (team: Record<string, unknown>, count = 5, prompt: unknown = HUGE) => ({
  name: "overflow",
  seed: 3,
  replicates: 2,
  agents: { model: "gpt-4o", count },
  team,
  task: { kind: "questions", items: 8, prompt_tokens: prompt },
});

function world(doc: Record<string, unknown>) {
  const { scenario, profiles } = scenarioOf(doc);
  const w = new World(scenario, profiles, 0, getProtocol(scenario.team.protocol));
  const outcome = w.run();
  return { w, outcome };
}

describe("items no member can read stay undecided", () => {
  it.each([
    ["independent (majority of -1 votes)", { protocol: "independent" }, 5],
    ["single (settles a failed call with no answer)", { protocol: "single" }, 1],
    ["raft (replicates the leader's no-answer)", { protocol: "raft" }, 5],
    ["debate", { protocol: "debate" }, 3],
    ["cascade", { protocol: "cascade" }, 2],
  ])("%s: decided 0, nothing billed, the run stalls", (_name, team, count) => {
    const { result, verdicts, events } = tracedReplicate(scenarioOf(base(team, count)));
    expect(result.decided).toBe(0);
    expect(result.decided_all).toBe(0);
    expect(result.accuracy).toBe(0);
    expect(result.cost_usd).toBe(0);
    expect(result.failed_calls).toBe(result.calls);
    expect(result.end_reason).toBe("stalled");
    // Nothing is owed: the team cannot read the items (not a liveness failure).
    expect(verdicts.find((v) => v.check === "liveness")?.note).toBe("n/a");
    // What the protocol gave up with is traced as such.
    for (const e of events.filter((e) => e.type === "decide")) expect(e.unreadable).toBe(true);
  });

  it("keeps what protocols settled apart, once per item, and leaves decisions empty", () => {
    const { w } = world(base({ protocol: "single" }, 1));
    expect([...w.history.unreadable]).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(w.history.decisions).toEqual([]);
    expect(w.history.abandoned.map((d) => [d.item, d.answer])).toEqual(
      [0, 1, 2, 3, 4, 5, 6, 7].map((k) => [k, -1]),
    );
    expect(w.history.settled).toBe(8);
  });

  it("a prompt that overflows only some items leaves exactly those undecided", () => {
    const prompt = { dist: "uniform", min: 100_000, max: 160_000 };
    const { w } = world(base({ protocol: "single" }, 1, prompt));
    const q = w.task.kind === "questions" ? w.task.items : [];
    const fits = q.filter((i) => i.promptTokens <= 128_000).map((i) => i.index);
    expect(fits.length).toBeGreaterThan(0);
    expect(fits.length).toBeLessThan(8);
    expect([...new Set(w.history.decisions.map((d) => d.item))]).toEqual(fits);
    const { scenario, profiles } = scenarioOf(base({ protocol: "single" }, 1, prompt));
    const { result } = runReplicate(scenario, profiles, 0, { noBaseline: true });
    expect(result.decided).toBe(fits.length / 8);
  });

  it("single resumes after a crash past an unreadable item without redoing items", () => {
    const prompt = { dist: "uniform", min: 100_000, max: 160_000 };
    const doc = {
      ...base({ protocol: "single" }, 1, prompt),
      faults: [
        { at_s: 5, crash: ["agent-0"] },
        { at_s: 6, recover: ["agent-0"] },
      ],
    };
    const { w } = world(doc);
    const settled = [...w.history.decisions, ...w.history.abandoned].map((d) => d.item);
    expect(settled.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("a member with a wide enough window still decides for a mixed team", () => {
    const doc = {
      ...base({ protocol: "independent" }),
      agents: [
        { model: "gpt-4o", count: 1 },
        { model: "llama-3-70b", count: 2 },
      ],
      task: { kind: "questions", items: 8, prompt_tokens: 10_000 },
    };
    const { scenario, profiles } = scenarioOf(doc);
    const { result } = runReplicate(scenario, profiles, 0, { noBaseline: true });
    expect(result.decided).toBe(1);
    expect(result.failed_calls).toBe(2 * 8);
    expect(result.end_reason).toBe("quiescent");
  });
});

describe("contextOverflowWarnings", () => {
  const gpt = loadScenario(join(ROOT, "scenarios/quickstart.yaml")).profiles;
  const members = (...names: string[]) => names.map((n) => gpt.get(n) ?? assertNever(n));

  it("says every call fails for a fixed prompt past the window", () => {
    expect(contextOverflowWarnings({ prompt_tokens: HUGE } as never, members("gpt-4o"))).toEqual([
      "prompt of 1000000000000 tokens exceeds gpt-4o's context window of 128000: every call fails (an item no member can read stays undecided)",
    ]);
  });

  it("names only the models whose window is exceeded, once each", () => {
    const task = { prompt_tokens: { dist: "fixed", value: 10_000 } } as never;
    expect(contextOverflowWarnings(task, members("gpt-4o", "llama-3-70b", "llama-3-70b"))).toEqual([
      "prompt of 10000 tokens exceeds llama-3-70b's context window of 8192: every call fails (an item no member can read stays undecided)",
    ]);
  });

  it("gives the share of a random prompt past the window", () => {
    const task = { prompt_tokens: { dist: "uniform", min: 0, max: 256_000 } } as never;
    expect(contextOverflowWarnings(task, members("gpt-4o"))).toEqual([
      "50% of prompts (task.prompt_tokens, median 128000 tokens) exceed gpt-4o's context window of 128000: their calls fail (an item no member can read stays undecided)",
    ]);
  });

  it("is silent for every shipped scenario (their outputs do not change)", () => {
    const files = readdirSync(join(ROOT, "scenarios")).filter((f) => f.endsWith(".yaml"));
    expect(files.length).toBeGreaterThan(20);
    for (const f of files) {
      const { scenario, profiles } = loadScenario(join(ROOT, "scenarios", f));
      expect(
        contextOverflowWarnings(scenario.task, profilesOf(scenario.agents, profiles)),
        f,
      ).toEqual([]);
    }
  });

  it("`run` prints it once on stderr and reports decided 0", () => {
    const r = spawnSync(
      process.execPath,
      [
        BIN,
        "run",
        "scenarios/independent.yaml",
        "--set",
        "replicates=2",
        "--set",
        "task.items=5",
        "--set",
        "task.prompt_tokens=1e12",
        "--json",
      ],
      { encoding: "utf8", cwd: ROOT },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe(
      "teamsim: warning: prompt of 1000000000000 tokens exceeds gpt-4o's context window of 128000: every call fails (an item no member can read stays undecided)\n",
    );
    const report = JSON.parse(r.stdout);
    expect(report.summary.decided.mean).toBe(0);
    expect(report.summary.cost_usd.mean).toBe(0);
    expect(report.end_reasons).toEqual({ stalled: 2 });
  });
});

function assertNever(name: string): never {
  throw new Error(`no profile ${name}`);
}
