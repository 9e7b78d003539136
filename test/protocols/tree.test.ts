import { describe, expect, it } from "vitest";
import { Rng } from "../../src/core/Rng.js";
import { runScenario } from "../../src/experiment/runScenario.js";
import type { RunResult } from "../../src/metrics/RunResult.js";
import { buildHierarchy, splitChunk } from "../../src/protocols/tree.js";
import { WorkGraph } from "../../src/tasks/WorkGraph.js";
import { scenarioOf, tracedReplicate } from "../helpers.js";

const SUBTASKS = 20;

function run(
  team: Record<string, unknown>,
  count: number,
  extra: Record<string, unknown> = {},
  replicates = 20,
) {
  return runScenario(
    scenarioOf({
      seed: 9,
      replicates,
      agents: { model: "gpt-4o", count },
      team,
      task: { kind: "workgraph", subtasks: SUBTASKS, parallel_fraction: 0.9 },
      ...extra,
    }),
    { keepRuns: true },
  );
}

function meanSe(runs: readonly RunResult[], f: (r: RunResult) => number): [number, number] {
  const xs = runs.map(f);
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const v = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1);
  return [mean, Math.sqrt(v / xs.length)];
}

function graph(p: number): WorkGraph {
  const task = scenarioOf({
    team: { protocol: "tree" },
    task: { kind: "workgraph", subtasks: SUBTASKS, parallel_fraction: p },
  }).scenario.task;
  if (task.kind === "questions") throw new Error("unreachable");
  return new WorkGraph(task, new Rng("g"));
}

describe("tree hierarchy", () => {
  it("is built breadth first; workers are spread round-robin over the deepest leaders", () => {
    const seven = buildHierarchy(7, 2, 2);
    expect(seven.leaders[0]?.children).toEqual([1, 2]);
    expect(seven.leaders[1]?.workers).toEqual([3, 5]);
    expect(seven.leaders[2]?.workers).toEqual([4, 6]);
    expect(seven.leaders[0]?.capacity).toBe(4);
    expect(seven.leaderOf.slice(3)).toEqual([1, 2, 1, 2]);
    // Too few agents: agent-2 leads nobody and works itself.
    const four = buildHierarchy(4, 2, 2);
    expect(four.leaders[1]?.workers).toEqual([3]);
    expect(four.leaders[2]?.workers).toEqual([]);
    expect(four.leaders[0]?.capacity).toBe(2);
    const deep = buildHierarchy(11, 2, 3);
    expect(deep.leaders[1]?.children).toEqual([3, 4]);
    expect(deep.leaders[2]?.children).toEqual([5, 6]);
    expect(deep.leaderOf.slice(7)).toEqual([3, 4, 5, 6]);
  });

  it("splits contiguous chunks proportional to capacity, never cutting a chain", () => {
    const g9 = graph(0.9);
    expect(splitChunk(g9, g9.order, [2, 2]).map((c) => c.length)).toEqual([10, 10]);
    expect(splitChunk(g9, g9.order, [3, 1]).map((c) => c.length)).toEqual([15, 5]);
    // p = 0.2: a chain of 16 stays whole, so the first part overflows.
    const g2 = graph(0.2);
    const parts = splitChunk(g2, g2.order, [1, 1]);
    expect(parts[0].slice(0, 16)).toEqual(Array.from({ length: 16 }, (_, i) => i));
    expect(parts.map((c) => c.length)).toEqual([16, 4]);
  });
});

describe("tree", () => {
  it("branching 2, depth 2: speeds up a parallel work graph, with more messages than a flat leader-worker", () => {
    const t = run({ protocol: "tree", branching: 2, depth: 2 }, 7);
    const flat = run({ protocol: "leader-worker" }, 7);
    const [mean, se] = meanSe(t.runs, (r) => r.speedup);
    expect(mean - 3 * se).toBeGreaterThan(1);
    expect(mean).toBeLessThan(t.report.summary.speedup_bound.mean);
    expect(t.report.summary.decided.mean).toBe(1);
    expect(t.report.end_reasons).toEqual({ quiescent: 20 });
    expect(t.report.summary.violations).toBe(0);
    // Per subtask: assign, result, and a summary up to the root; plus 2 chunks.
    expect(t.report.summary.messages.mean).toBe(3 * SUBTASKS + 2);
    expect(flat.report.summary.messages.mean).toBe(2 * SUBTASKS);
    // Two levels of planning before any work: slower than flat at this size.
    expect(t.report.summary.makespan_s.mean).toBeGreaterThan(flat.report.summary.makespan_s.mean);
  });

  it("relays a finished dependency to another subtree through the common ancestor", () => {
    // layered graphs have edges across chunks: more messages than 3 per subtask + chunks.
    const r = run({ protocol: "tree" }, 7, { task: { kind: "layered", layers: 4, width: 5 } }, 5);
    expect(r.report.summary.decided.mean).toBe(1);
    expect(r.report.summary.messages.mean).toBeGreaterThan(3 * SUBTASKS + 2);
    expect(r.report.end_reasons).toEqual({ quiescent: 5 });
  });

  it("with depth 1 is a flat dynamic leader-worker, replicate for replicate", () => {
    const t = run({ protocol: "tree", depth: 1 }, 5, {}, 5).runs;
    const lw = run({ protocol: "leader-worker" }, 5, {}, 5).runs;
    t.forEach((r, k) => {
      expect(r.makespan_s).toBe(lw[k].makespan_s);
      expect(r.messages).toBe(lw[k].messages);
    });
  });

  it("a crashed sub-leader leaves its subtree's remaining subtasks undecided, without hanging", () => {
    // agent-1 leads the first chunk (10 subtasks, with the chain); it crashes before
    // its workers return anything, while agent-2's subtree finishes its 10.
    const r = run({ protocol: "tree" }, 7, { faults: [{ at_s: 10, crash: ["agent-1"] }] }, 10);
    expect(r.report.summary.decided.mean).toBe(0.5);
    expect(r.report.end_reasons).toEqual({ stalled: 10 });
  });

  it("a crashed worker's subtask goes to its sub-leader's other worker", () => {
    const r = run({ protocol: "tree" }, 7, { faults: [{ at_s: 20, crash: ["agent-3"] }] }, 10);
    expect(r.report.summary.decided.mean).toBe(1);
    expect(r.report.end_reasons).toEqual({ quiescent: 10 });
  });
});

describe("tree recovery", () => {
  /** Replicate 0 of the 7-agent tree with `faults`, with its trace. */
  function traced(faults: Record<string, unknown>[]) {
    const loaded = scenarioOf({
      seed: 9,
      agents: { model: "gpt-4o", count: 7 },
      team: { protocol: "tree" },
      task: { kind: "workgraph", subtasks: SUBTASKS, parallel_fraction: 0.9 },
      faults,
    });
    return tracedReplicate(loaded);
  }

  it("a crashed-then-recovered worker rejoins its leader's pool and takes new subtasks", () => {
    const { result, events } = traced([
      { at_s: 20, crash: ["agent-3"] },
      { at_s: 30, recover: ["agent-3"] },
    ]);
    const after = events.filter(
      (e) => e.type === "call_start" && e.agent === "agent-3" && e.t > 30,
    );
    expect(after.length).toBeGreaterThan(0);
    expect(result.decided).toBe(1);
    expect(result.violations).toBe(0);
  });

  it("a recovered sub-leader resumes its chunk: it hands out what was not accepted", () => {
    // agent-1 has planned its chunk by t = 25; results sent to it while down are lost.
    const { result, events } = traced([
      { at_s: 25, crash: ["agent-1"] },
      { at_s: 35, recover: ["agent-1"] },
    ]);
    const assigns = events.filter(
      (e) => e.type === "send" && e.from === "agent-1" && e.kind === "assign" && e.t > 35,
    );
    expect(assigns.length).toBeGreaterThan(0);
    expect(result.decided).toBe(1);
  });
});
