import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MemoryTrace, type TraceEvent } from "../../src/core/Trace.js";
import { runReplicate } from "../../src/experiment/runReplicate.js";
import { runScenario } from "../../src/experiment/runScenario.js";
import { type LoadedScenario, loadScenario } from "../../src/scenario/loadScenario.js";
import { scenarioOf } from "../helpers.js";

const ROOT = join(import.meta.dirname, "../..");

function raft(extra: Record<string, unknown> = {}, sets: string[] = []): LoadedScenario {
  return scenarioOf(
    {
      seed: 5,
      replicates: 20,
      horizon_s: 600,
      agents: { model: "gpt-4o", count: 5 },
      team: { protocol: "raft" },
      task: { kind: "questions", items: 20, difficulty: { kind: "fixed", p: 0.7 } },
      ...extra,
    },
    sets,
  );
}

/** The trace of replicate `r` (no baseline run). */
function traceOf(
  loaded: LoadedScenario,
  r: number,
): { events: TraceEvent[]; end: string; decided: number } {
  const profile = loaded.profiles.get(loaded.scenario.agents.model);
  if (profile === undefined) throw new Error("no profile");
  const trace = new MemoryTrace();
  const { result } = runReplicate(loaded.scenario, profile, r, { trace, noBaseline: true });
  return { events: trace.events, end: result.end_reason, decided: result.decided };
}

function ofType(events: readonly TraceEvent[], type: string): TraceEvent[] {
  return events.filter((e) => e.type === type);
}

describe("raft", () => {
  it("scenarios/raft-failover.yaml: the leader crashes, a new one takes over, no violations", () => {
    const loaded = loadScenario(join(ROOT, "scenarios/raft-failover.yaml"));
    expect(loaded.scenario.replicates).toBeGreaterThanOrEqual(100);
    const { report } = runScenario(loaded);
    expect(report.summary.violations).toBe(0);
    expect(report.summary.leader_changes.mean).toBeGreaterThanOrEqual(1);
    expect(report.summary.decided.mean).toBeGreaterThanOrEqual(0.95);
    expect(report.end_reasons).toEqual({ quiescent: report.replicates });
  });

  it("raft-failover crashes the current leader: agent-0 leads term 1 until its crash", () => {
    const loaded = loadScenario(join(ROOT, "scenarios/raft-failover.yaml"), {
      sets: ["replicates=10"],
    });
    for (let r = 0; r < 10; r++) {
      const { events } = traceOf(loaded, r);
      const leaders = ofType(events, "raft_leader");
      expect(leaders[0]).toMatchObject({ node: "agent-0", term: 1 });
      const crash = events.find((e) => e.type === "crash");
      expect(crash).toMatchObject({ t: 20, agent: "agent-0" });
      // Still leader when it crashed: nobody else was elected before 20 s.
      expect(leaders.filter((e) => e.t < 20)).toHaveLength(1);
      expect(ofType(events, "raft_step_down").filter((e) => e.t < 20)).toHaveLength(0);
      const next = leaders.find((e) => e.t > 20);
      expect(next?.node).not.toBe("agent-0");
      expect(next?.t).toBeLessThan(20 + 2 * 3 + 1);
      // Every surviving node applies every item.
      for (const node of ["agent-1", "agent-2", "agent-3", "agent-4"]) {
        const applied = ofType(events, "raft_apply").filter(
          (e) => e.node === node && e.value !== "noop",
        );
        expect(applied).toHaveLength(30);
      }
    }
  });

  it("scenarios/partition-heal.yaml: no violations, every item decided", () => {
    const { report } = runScenario(loadScenario(join(ROOT, "scenarios/partition-heal.yaml")));
    expect(report.summary.violations).toBe(0);
    expect(report.summary.decided.mean).toBe(1);
    expect(report.summary.leader_changes.mean).toBeGreaterThanOrEqual(1);
  });

  it("partition-heal: the minority (with the old leader) commits nothing while cut off, and its entry is overwritten", () => {
    const loaded = loadScenario(join(ROOT, "scenarios/partition-heal.yaml"), {
      sets: ["replicates=10"],
    });
    const minority = new Set(["agent-0", "agent-1"]);
    let overwritten = 0;
    for (let r = 0; r < 10; r++) {
      const { events } = traceOf(loaded, r);
      const applies = ofType(events, "raft_apply");
      // The highest index anyone had committed when the cut came.
      let before = 0;
      for (const e of applies) if (e.t <= 20) before = Math.max(before, e.index as number);
      const inWindow = applies.filter(
        (e) => minority.has(e.node as string) && e.t > 20 && e.t < 60,
      );
      for (const e of inWindow) expect(e.index).toBeLessThanOrEqual(before);
      // Meanwhile the majority went on committing.
      const majority = applies.filter((e) => !minority.has(e.node as string) && e.t < 60);
      expect(Math.max(...majority.map((e) => e.index as number))).toBeGreaterThan(before);
      // agent-0 led the minority side and appended an answer there that never committed.
      const leaders = ofType(events, "raft_leader");
      expect(leaders[0]).toMatchObject({ node: "agent-0", term: 1 });
      const stale = ofType(events, "raft_append").filter(
        (e) => e.node === "agent-0" && e.t > 20 && e.t < 60,
      );
      for (const e of stale) {
        expect(e.term).toBe(1);
        expect(applies.some((a) => a.index === e.index && a.term === 1)).toBe(false);
      }
      // After the heal agent-0 steps down and its uncommitted suffix is cut.
      expect(ofType(events, "raft_step_down").some((e) => e.node === "agent-0" && e.t >= 60)).toBe(
        true,
      );
      if (stale.length > 0) {
        const cut = ofType(events, "raft_truncate").filter((e) => e.node === "agent-0");
        expect(cut.length).toBeGreaterThan(0);
        expect(cut[0].t).toBeGreaterThanOrEqual(60);
        overwritten++;
      }
    }
    expect(overwritten).toBeGreaterThanOrEqual(8);
  });

  it("a partition that never heals: the majority decides everything, the minority stays behind until the horizon", () => {
    const loaded = raft({
      replicates: 5,
      horizon_s: 300,
      faults: [
        {
          at_s: 10,
          partition: [
            ["agent-0", "agent-1"],
            ["agent-2", "agent-3", "agent-4"],
          ],
        },
      ],
    });
    const { report } = runScenario(loaded);
    expect(report.summary.violations).toBe(0);
    expect(report.summary.decided.mean).toBe(1);
    expect(report.end_reasons).toEqual({ horizon: 5 });
    const { events } = traceOf(loaded, 0);
    const applies = ofType(events, "raft_apply");
    let before = 0;
    for (const e of applies) if (e.t <= 10) before = Math.max(before, e.index as number);
    for (const e of applies.filter((a) => a.node === "agent-0" || a.node === "agent-1"))
      expect(e.index).toBeLessThanOrEqual(before);
  });

  it("a node back from a long cut cannot win with its stale log (the up-to-date vote restriction)", () => {
    const loaded = raft({
      faults: [
        {
          at_s: 5,
          partition: [["agent-4"], ["agent-0", "agent-1", "agent-2", "agent-3"]],
          heal_at_s: 40,
        },
      ],
    });
    const { report } = runScenario(loaded);
    expect(report.summary.violations).toBe(0);
    expect(report.summary.decided.mean).toBe(1);
    // Its inflated term forces an election after the heal (Raft without pre-vote)...
    expect(report.summary.leader_changes.mean).toBeGreaterThanOrEqual(1);
    // ...which it cannot win before it has caught up.
    for (let r = 0; r < 5; r++) {
      const { events } = traceOf(loaded, r);
      expect(ofType(events, "raft_leader").filter((e) => e.node === "agent-4")).toHaveLength(0);
    }
  });

  it("a crash of two followers changes nothing but messages; a crash of three stops the team", () => {
    const minority = runScenario(
      raft({ faults: [{ at_s: 10, crash: ["agent-3", "agent-4"] }] }),
    ).report;
    expect(minority.summary.violations).toBe(0);
    expect(minority.summary.decided.mean).toBe(1);
    expect(minority.summary.leader_changes.mean).toBe(0);
    const majority = runScenario(
      raft({ replicates: 5, faults: [{ at_s: 10, crash: ["agent-0", "agent-3", "agent-4"] }] }),
    ).report;
    expect(majority.summary.violations).toBe(0);
    expect(majority.summary.decided.mean).toBeLessThan(0.5);
    // Two nodes keep electing without a majority: the run ends at the horizon, not in a hang.
    expect(majority.end_reasons).toEqual({ horizon: 5 });
  });

  it("a crashed leader that recovers rejoins as a follower and catches up", () => {
    const loaded = raft({
      replicates: 5,
      faults: [
        { at_s: 15, crash: ["agent-0"] },
        { at_s: 30, recover: ["agent-0"] },
      ],
    });
    const { report } = runScenario(loaded);
    expect(report.summary.violations).toBe(0);
    expect(report.summary.decided.mean).toBe(1);
    for (let r = 0; r < 5; r++) {
      const { events } = traceOf(loaded, r);
      expect(ofType(events, "raft_rejoin").filter((e) => e.node === "agent-0")).toHaveLength(1);
      const applied = ofType(events, "raft_apply").filter(
        (e) => e.node === "agent-0" && e.value !== "noop",
      );
      expect(applied).toHaveLength(20);
    }
  });

  it("a crashed node rejoins at once on recovery: back alone, it stands for election and leads again", () => {
    // agent-1 falls behind (down from 3 s), then agent-0 (the leader) and agent-2
    // crash. agent-0 comes back alone at 15 s and agent-1 at 20 s: only agent-0's
    // log is up to date, so only it can win, and it must restart by itself (no
    // message reaches it while it is alone) and take part again: it answers items.
    const loaded = raft({
      replicates: 5,
      agents: { model: "gpt-4o", count: 3 },
      faults: [
        { at_s: 3, crash: ["agent-1"] },
        { at_s: 10, crash: ["agent-0", "agent-2"] },
        { at_s: 15, recover: ["agent-0"] },
        { at_s: 20, recover: ["agent-1"] },
      ],
    });
    for (let r = 0; r < 5; r++) {
      const { events, decided } = traceOf(loaded, r);
      const calls = ofType(events, "call_start").filter((e) => e.agent === "agent-0");
      expect(calls.filter((e) => e.t < 10).length).toBeGreaterThan(0);
      expect(calls.filter((e) => e.t > 15).length).toBeGreaterThan(0);
      expect(ofType(events, "raft_leader").some((e) => e.node === "agent-0" && e.t > 15)).toBe(
        true,
      );
      expect(decided).toBe(1);
    }
  });

  it("held messages delivered after a heal are harmless and trigger no resend bursts", () => {
    const run = (mode: string) =>
      runScenario(
        loadScenario(join(ROOT, "scenarios/partition-heal.yaml"), {
          sets: ["replicates=20", `network.partition_mode=${mode}`],
        }),
      ).report.summary;
    const drop = run("drop");
    const hold = run("hold");
    expect(hold.violations).toBe(0);
    expect(hold.decided.mean).toBe(1);
    // The held heartbeats are extra messages, but stale replies to them must not
    // each send the lagging nodes a full batch of answers again.
    expect(hold.messages.mean).toBeGreaterThan(drop.messages.mean);
    expect(hold.message_tokens.mean).toBeLessThan(1.2 * drop.message_tokens.mean);
  });

  it("survives message loss and duplication without violations", () => {
    const { report } = runScenario(
      raft({ replicates: 20 }, ["network.loss=0.1", "network.duplicate=0.05"]),
    );
    expect(report.summary.violations).toBe(0);
    expect(report.summary.decided.mean).toBe(1);
  });

  it("is not Byzantine tolerant: an always-wrong leader gets its wrong answers committed", () => {
    const byz = { faults: [{ byzantine: ["agent-1"], behaviour: "always-wrong" }] };
    const leading = runScenario(raft(byz, ["team.first_leader=1"])).report;
    // Agreement and validity still hold among the correct nodes: they all decide its answers.
    expect(leading.summary.violations).toBe(0);
    expect(leading.summary.decided.mean).toBe(1);
    expect(leading.summary.accuracy.mean).toBe(0);
    // As a follower it never answers anything, so it does no harm.
    const following = runScenario(raft(byz)).report;
    const honest = runScenario(raft()).report;
    expect(following.summary.accuracy.mean).toBe(honest.summary.accuracy.mean);
  });

  it("one node is a team of one; random first elections also elect exactly one leader per term", () => {
    const one = runScenario(raft({ agents: { model: "gpt-4o", count: 1 } })).report;
    expect(one.summary.decided.mean).toBe(1);
    expect(one.summary.messages.mean).toBe(0);
    const random = runScenario(raft({}, ["team.first_leader=null"])).report;
    expect(random.summary.violations).toBe(0);
    expect(random.summary.decided.mean).toBe(1);
  });

  it("replicates are deterministic: same seed, byte-identical report and trace with faults", () => {
    const run = () => {
      const loaded = raft({
        replicates: 5,
        faults: [
          { at_s: 12, crash: ["agent-0"] },
          { at_s: 20, partition: [["agent-1"], ["agent-2", "agent-3", "agent-4"]], heal_at_s: 40 },
          { at_s: 45, recover: ["agent-0"] },
        ],
        network: { latency: { dist: "lognormal", median_s: 0.05, sigma: 0.5 }, loss: 0.05 },
      });
      const trace = new MemoryTrace();
      const { report } = runScenario(loaded, { trace });
      return { report: JSON.stringify(report), trace: JSON.stringify(trace.events) };
    };
    const a = run();
    const b = run();
    expect(a.trace.length).toBeGreaterThan(1000);
    expect(b.report).toBe(a.report);
    expect(b.trace).toBe(a.trace);
  });
});
