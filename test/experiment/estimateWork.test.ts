import { describe, expect, it } from "vitest";
import { InputError } from "../../src/core/InputError.js";
import {
  EVENTS_PER_S,
  estimateRuns,
  guardWork,
  itemWork,
  MAX_WORK_EVENTS,
  memoryLimit,
  replicateEstimate,
  sumEstimates,
  sweepEstimate,
  taskItems,
  type WorkEstimate,
  workLimit,
} from "../../src/experiment/estimateWork.js";
import { runReplicate } from "../../src/experiment/runReplicate.js";
import { defaultItemWork } from "../../src/protocols/Protocol.js";
import { getProtocol, PROTOCOLS, type TeamConfig } from "../../src/protocols/registry.js";
import { loadScenario } from "../../src/scenario/loadScenario.js";
import { scenarioOf } from "../helpers.js";

const team = (protocol: string, options: Record<string, unknown> = {}) =>
  getProtocol(protocol).schema.parse({ protocol, ...options }) as TeamConfig;

// How the messages of one item grow from n to 2n agents: log2 of the ratio
// (1 for O(n), 2 for O(n²), 0 for a constant).
const growth = (t: TeamConfig, n: number, what: "messages" | "calls" = "messages") =>
  Math.log2(itemWork(t, 2 * n)[what] / itemWork(t, n)[what]);

describe("estimateWork: the work of one item follows the protocol's complexity", () => {
  it.each([
    ["debate", 2],
    ["pbft", 2],
    ["decentralized", 2],
    ["independent", 1],
    ["raft", 1],
    ["two-phase-commit", 1],
    ["cascade", 1],
    ["single", Number.NaN],
    ["leader-worker", 0],
    ["tree", 0],
    ["pipeline", 0],
  ])("%s: messages per item grow as n^%s", (protocol, exponent) => {
    const t = team(protocol);
    if (Number.isNaN(exponent)) expect(itemWork(t, 64).messages).toBe(0);
    else expect(growth(t, 256)).toBeCloseTo(exponent, 1);
  });

  it("gossip: n × fanout × rounds (rounds grow with log n, or are fixed)", () => {
    const auto = team("gossip");
    // 2n push-pulls a round, ceil(log2 n) + 3 rounds: a little more than linear.
    expect(growth(auto, 256)).toBeGreaterThan(1);
    expect(growth(auto, 256)).toBeLessThan(1.2);
    const fixed = team("gossip", { until: "rounds", rounds: 5 });
    expect(itemWork(fixed, 10).messages).toBe(2 * 10 * 5);
    const converged = team("gossip", { until: "converged", max_rounds: 30 });
    expect(itemWork(converged, 10).messages).toBe(2 * 10 * 30);
  });

  it("debate: rounds multiply the all-to-all exchange; calls are n per round", () => {
    const w = itemWork(team("debate", { rounds: 3 }), 10);
    expect(w.messages).toBe(10 * 9 * 3 + 10);
    expect(w.calls).toBe(10 * 4);
    expect(itemWork(team("debate", { rounds: 6 }), 10).messages).toBe(10 * 9 * 6 + 10);
  });

  it("every protocol estimates its own work; the default is n calls and n² messages", () => {
    for (const p of PROTOCOLS) expect(p.workPerItem, p.name).toBeTypeOf("function");
    expect(defaultItemWork(7)).toEqual({ calls: 7, messages: 49 });
  });

  it("the estimate is an upper estimate of the calls and messages a replicate makes", () => {
    // Each protocol's example (its team and task), two replicates: the counts
    // the simulation reports never exceed the estimate.
    for (const p of PROTOCOLS) {
      const loaded = loadScenario(p.example, { sets: ["replicates=2"] });
      const e = estimateRuns(loaded.scenario);
      let calls = 0;
      let messages = 0;
      for (let r = 0; r < 2; r++) {
        const { result } = runReplicate(loaded.scenario, loaded.profiles, r, { noBaseline: true });
        calls += result.calls;
        messages += result.messages;
      }
      expect(e.calls, `${p.name}: calls`).toBeGreaterThanOrEqual(calls);
      expect(e.messages, `${p.name}: messages`).toBeGreaterThanOrEqual(messages);
      // Upper, but not wildly: within a factor of 10 of what ran (a protocol
      // that sends nothing, or calls only on escalation, aside).
      if (messages > 0) expect(e.messages, `${p.name}: messages`).toBeLessThan(10 * messages);
    }
  });
});

describe("estimateWork: the work of a job", () => {
  const doc = {
    replicates: 10,
    agents: { model: "gpt-4o", count: 5 },
    team: { protocol: "debate", rounds: 2 },
    task: { kind: "questions", items: 20 },
  };

  it("grows linearly in replicates and items, as n² for debate and n for voting", () => {
    const base = estimateRuns(scenarioOf(doc).scenario);
    const twice = (sets: string[]) => estimateRuns(scenarioOf(doc, sets).scenario);
    expect(twice(["replicates=20"]).events).toBeCloseTo(2 * base.events, 6);
    expect(twice(["replicates=20"]).calls).toBe(2 * base.calls);
    expect(twice(["task.items=40"]).messages).toBe(2 * base.messages);
    const debate = (n: number) => estimateRuns(scenarioOf(doc, [`agents.count=${n}`]).scenario);
    expect(debate(200).messages / debate(100).messages).toBeCloseTo(4, 1);
    const vote = (n: number) =>
      estimateRuns(scenarioOf(doc, [`agents.count=${n}`, "team={protocol: independent}"]).scenario);
    expect(vote(200).messages / vote(100).messages).toBeCloseTo(2, 6);
    expect(base.seconds).toBeCloseTo(base.events / EVENTS_PER_S, 9);
  });

  it("a team size or structure other than the scenario's, and the speedup baseline", () => {
    const s = scenarioOf(doc).scenario;
    expect(estimateRuns(s, { agents: 10 }).messages).toBe(
      estimateRuns(scenarioOf(doc, ["agents.count=10"]).scenario).messages,
    );
    expect(estimateRuns(s, { team: team("independent") }).messages).toBe(10 * 20 * 2 * 5);
    const withBaseline = estimateRuns(s, { baseline: true });
    expect(withBaseline.calls).toBe(estimateRuns(s).calls + 10 * 20 * 2);
    expect(withBaseline.events).toBeGreaterThan(estimateRuns(s).events);
  });

  it("counts the items of every task kind", () => {
    const t = (task: Record<string, unknown>) =>
      taskItems(
        scenarioOf({ team: { protocol: "leader-worker" }, agents: { count: 3 }, task }).scenario
          .task,
      );
    expect(t({ kind: "workgraph", subtasks: 12 })).toBe(12);
    expect(t({ kind: "workgraph", subtasks: 12, integration: true })).toBe(13);
    expect(t({ kind: "chain", subtasks: 7 })).toBe(7);
    expect(t({ kind: "fork-join", width: 4, stages: 3 })).toBe(18);
    expect(t({ kind: "layered", layers: 3, width: 5 })).toBe(15);
    expect(t({ kind: "paper-suite", suite: "mathutilities", p: 0.5 })).toBe(20);
  });

  it("sums parts (peak memory: the largest part) and shares a sweep among shards", () => {
    const a = estimateRuns(scenarioOf(doc).scenario);
    const b = estimateRuns(scenarioOf(doc, ["agents.count=9"]).scenario);
    const sum = sumEstimates([a, b]);
    expect(sum.events).toBe(a.events + b.events);
    expect(sum.memoryBytes).toBe(Math.max(a.memoryBytes, b.memoryBytes));
    const whole = sweepEstimate([a, b]);
    const half = sweepEstimate([a, b], 1 / 2);
    expect(half.runs).toBe(whole.runs / 2);
    expect(half.events).toBeLessThan(whole.events);
    // The results store: every run's line is kept.
    expect(whole.memoryBytes).toBeGreaterThan(sum.memoryBytes);
    expect(replicateEstimate(2, 90, 100).runs).toBe(18000);
    expect(replicateEstimate(2, 90, 200).events).toBeGreaterThan(
      replicateEstimate(2, 90, 100).events,
    );
  });
});

describe("guardWork", () => {
  const work = (events: number, memoryBytes = 1e6): WorkEstimate => ({
    runs: 100,
    calls: 1000,
    messages: 2000,
    events,
    seconds: events / EVENTS_PER_S,
    memoryBytes,
  });
  const env = (vars: Record<string, string>) => ({ env: vars });

  it("lets work up to the limit through and refuses more, unless --yes or TEAMSIM_YES=1", () => {
    expect(() => guardWork(work(MAX_WORK_EVENTS), "s.yaml", env({}))).not.toThrow();
    expect(() => guardWork(work(MAX_WORK_EVENTS + 1), "s.yaml", env({}))).toThrow(InputError);
    expect(() => guardWork(work(MAX_WORK_EVENTS * 10), "s.yaml", env({}))).toThrow(
      /^s\.yaml: expected at most 3\.6e7 events of work \(about 2 min of one core; --yes or TEAMSIM_YES=1 runs it anyway\), found an estimated 3\.6e8, about 20 min \(100 runs, 1000 LLM calls, 2000 messages; 1 MB of memory\)$/,
    );
    expect(() =>
      guardWork(work(MAX_WORK_EVENTS * 10), "s.yaml", { yes: true, env: {} }),
    ).not.toThrow();
    for (const yes of ["1", "true", "YES"])
      expect(() => guardWork(work(1e12), "s", env({ TEAMSIM_YES: yes }))).not.toThrow();
    for (const no of ["0", "", "false"])
      expect(() => guardWork(work(1e12), "s", env({ TEAMSIM_YES: no }))).toThrow(/--yes/);
    expect(() => guardWork(work(1e12), "s", env({ TEAMSIM_YES: "maybe" }))).toThrow(
      /^TEAMSIM_YES: expected 1 \(run jobs over the work limit\) or 0, found "maybe"$/,
    );
  });

  it("TEAMSIM_MAX_WORK sets the limit", () => {
    expect(workLimit({})).toBe(MAX_WORK_EVENTS);
    expect(workLimit({ TEAMSIM_MAX_WORK: "1e3" })).toBe(1000);
    expect(() => guardWork(work(1001), "s", env({ TEAMSIM_MAX_WORK: "1e3" }))).toThrow(
      /expected at most 1000 events of work/,
    );
    expect(() => guardWork(work(999), "s", env({ TEAMSIM_MAX_WORK: "1e3" }))).not.toThrow();
    for (const bad of ["lots", "-1", "Infinity"])
      expect(() => workLimit({ TEAMSIM_MAX_WORK: bad })).toThrow(
        /^TEAMSIM_MAX_WORK: expected a number of events >= 0/,
      );
  });

  it("refuses the largest scenario and estimates past a number, in words", () => {
    const max = Number.MAX_SAFE_INTEGER;
    // The most questions a scenario may have (task.items <= 1e6).
    const s = scenarioOf({ replicates: max, task: { kind: "questions", items: 1e6 } }).scenario;
    expect(() => guardWork(estimateRuns(s), "s.yaml", { yes: true, env: {} })).toThrow(
      /found an estimated [\d.]+e\d+ B \(9e15 runs, [\d.]+e\d+ LLM calls, 0 messages; about [\d.]+e\d+ years/,
    );
    const inf = { ...work(Number.POSITIVE_INFINITY), memoryBytes: Number.POSITIVE_INFINITY };
    const refuse = () => guardWork(inf, "s", { yes: true, env: {} });
    expect(refuse).toThrow(/found an estimated over 1e308 B /);
    expect(refuse).not.toThrow(/NaN|Infinity/);
    const nan = { ...work(Number.NaN), memoryBytes: Number.NaN };
    expect(() => guardWork(nan, "s", { env: {} })).toThrow(InputError);
    expect(() => guardWork({ ...nan, memoryBytes: 1 }, "s", { env: {} })).toThrow(/--yes/);
  });

  it("refuses a job that cannot fit in memory even with --yes", () => {
    const huge = work(10, 10 * memoryLimit());
    expect(() => guardWork(huge, "s.yaml", { yes: true, env: {} })).toThrow(
      /^s\.yaml: expected a job that fits in memory \(at most \d+ GB: .*NODE_OPTIONS=--max-old-space-size=MB\), found an estimated \d+ GB/,
    );
  });
});
