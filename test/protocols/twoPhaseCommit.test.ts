import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { TraceEvent } from "../../src/core/Trace.js";
import { runScenario } from "../../src/experiment/runScenario.js";
import { type LoadedScenario, loadScenario } from "../../src/scenario/loadScenario.js";
import { callsAfter, tracedReplicate } from "../helpers.js";

const FILE = join(import.meta.dirname, "../../scenarios/two-phase-commit.yaml");

function scenario(sets: string[] = []): LoadedScenario {
  return loadScenario(FILE, { sets: ["replicates=10", ...sets] });
}

const traced = tracedReplicate;

const sends = (events: readonly TraceEvent[], kind: string) =>
  events.filter((e) => e.type === "send" && e.kind === kind);

describe("two-phase-commit", () => {
  it("scenarios/two-phase-commit.yaml decides every item, and every node decides the same answer", () => {
    const r = runScenario(scenario()).report;
    expect(r.summary.decided.mean).toBe(1);
    expect(r.summary.violations).toBe(0);
    expect(r.end_reasons).toEqual({ quiescent: 10 });
    // Unanimity is rarer than a majority: some rounds abort and the item is proposed again.
    const { events } = traced(scenario());
    expect(sends(events, "prepare").length).toBeGreaterThan(4 * 20);
    const decides = events.filter((e) => e.type === "decide");
    expect(decides.length).toBe(5 * 20);
  });

  it("blocks when the coordinator crashes between prepare and commit: nothing decided, nothing violated", () => {
    const free = traced(scenario()).events;
    const prepared = sends(free, "prepare")[0].t;
    const committed = sends(free, "decision")[0].t;
    expect(committed).toBeGreaterThan(prepared);
    const crashAt = (prepared + committed) / 2;
    const { result, verdicts, events } = traced(
      scenario([`faults=[{at_s: ${crashAt}, crash: [agent-0]}]`, "horizon_s=900"]),
    );
    expect(result.decided).toBe(0);
    expect(verdicts.every((v) => v.ok)).toBe(true);
    // The participants that voted yes are uncertain: they keep asking until the horizon.
    expect(result.end_reason).toBe("horizon");
    const asks = sends(events, "status");
    expect(asks.length).toBeGreaterThan(10);
    expect(Math.max(...asks.map((e) => e.t))).toBeGreaterThan(800);
  });

  it("unblocks when the coordinator recovers: it reads its log and carries on", () => {
    const free = traced(scenario()).events;
    const crashAt = (sends(free, "prepare")[0].t + sends(free, "decision")[0].t) / 2;
    const r = runScenario(
      scenario([`faults=[{at_s: ${crashAt}, crash: [agent-0]}, {at_s: 300, recover: [agent-0]}]`]),
    ).report;
    expect(r.summary.decided.mean).toBe(1);
    expect(r.summary.violations).toBe(0);
  });

  it("Raft, crashed the same way, does not block: a new leader decides everything", () => {
    const raft = loadScenario(join(import.meta.dirname, "../../scenarios/raft-failover.yaml"), {
      sets: ["replicates=10"],
    });
    const r = runScenario(raft).report;
    expect(r.summary.decided.mean).toBe(1);
    expect(r.summary.violations).toBe(0);
  });

  it("a crashed-then-recovered participant takes part again and the run decides everything", () => {
    const { result, events } = traced(
      scenario(["faults=[{at_s: 20, crash: [agent-3]}, {at_s: 200, recover: [agent-3]}]"]),
    );
    expect(callsAfter(events, "agent-3", 200).length).toBeGreaterThan(0);
    expect(result.decided).toBe(1);
    expect(result.violations).toBe(0);
  });
});
