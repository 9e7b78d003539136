import { describe, expect, it } from "vitest";
import { MemoryTrace, type TraceEvent } from "../../src/core/Trace.js";
import { runReplicate } from "../../src/experiment/runReplicate.js";
import { loadScenario } from "../../src/scenario/loadScenario.js";
import { lamportDiagram } from "../../src/viz/lamportDiagram.js";

const start: TraceEvent = { t: 0, type: "run_start", agents: 3 };

describe("lamportDiagram", () => {
  it("gives one lane per agent, then any other node in order of appearance", () => {
    const d = lamportDiagram([
      start,
      { t: 1, type: "send", id: 0, from: "coordinator", to: "agent-1", kind: "ask", tokens: 5 },
    ]);
    expect(d.lanes).toEqual(["agent-0", "agent-1", "agent-2", "coordinator"]);
  });

  it("draws a delivered message from its send to its delivery, with a summary", () => {
    const d = lamportDiagram([
      start,
      { t: 1, type: "send", id: 7, from: "agent-0", to: "agent-2", kind: "vote", tokens: 12 },
      { t: 1.25, type: "deliver", id: 7, from: "agent-0", to: "agent-2", kind: "vote" },
    ]);
    expect(d.arrows).toHaveLength(1);
    const a = d.arrows[0];
    expect(a).toMatchObject({ id: 7, from: 0, to: 2, kind: "vote", sent: 1, at: 1.25 });
    expect(a.fate).toBe("delivered");
    expect(a.summary).toBe(
      "vote #7: agent-0 → agent-2, sent 1 s, 12 tokens, delivered 1.25 s (after 0.25 s)",
    );
    expect(d.kinds).toEqual([{ kind: "vote", count: 1 }]);
  });

  it("shows the payload's summary, as the network traced it, on hover", () => {
    const d = lamportDiagram([
      start,
      {
        t: 1,
        type: "send",
        id: 8,
        from: "agent-0",
        to: "agent-1",
        kind: "vote",
        tokens: 3,
        payload: "{item: 2, answer: 1}",
      },
      { t: 1.5, type: "deliver", id: 8, from: "agent-0", to: "agent-1", kind: "vote" },
    ]);
    expect(d.arrows[0].summary).toMatch(
      /delivered 1.5 s \(after 0.5 s\)\npayload: \{item: 2, answer: 1\}$/,
    );
  });

  it("marks dropped, held, duplicated and in-flight messages", () => {
    const d = lamportDiagram([
      start,
      { t: 1, type: "send", id: 0, from: "agent-0", to: "agent-1", kind: "a", tokens: 1 },
      { t: 2, type: "drop", id: 0, from: "agent-0", to: "agent-1", reason: "receiver_down" },
      { t: 3, type: "send", id: 1, from: "agent-1", to: "agent-2", kind: "b", tokens: 1 },
      { t: 3.1, type: "hold", id: 1 },
      { t: 9, type: "deliver", id: 1, from: "agent-1", to: "agent-2", kind: "b" },
      { t: 9.5, type: "deliver", id: 1, from: "agent-1", to: "agent-2", kind: "b" },
      { t: 10, type: "send", id: 2, from: "agent-2", to: "agent-0", kind: "b", tokens: 1 },
      { t: 12, type: "heal" },
    ]);
    const [dropped, held, dup, flying] = d.arrows;
    expect(dropped).toMatchObject({ fate: "dropped", at: 2 });
    expect(dropped.summary).toContain("dropped 2 s (receiver down)");
    expect(held).toMatchObject({ fate: "delivered", heldAt: 3.1, at: 9 });
    expect(held.summary).toContain("held by a partition at 3.1 s");
    expect(dup).toMatchObject({ fate: "delivered", duplicate: true, sent: 3, at: 9.5 });
    expect(flying).toMatchObject({ fate: "in_flight", sent: 10, at: 12 });
    expect(d.kinds).toEqual([
      { kind: "b", count: 3 },
      { kind: "a", count: 1 },
    ]);
  });

  it("draws calls as bars: ended, failed, cancelled, and open at the trace's end", () => {
    const d = lamportDiagram([
      start,
      { t: 1, type: "call_start", agent: "agent-0", label: 0, input_tokens: 400 },
      { t: 1, type: "call_start", agent: "agent-1", label: 0, input_tokens: 400 },
      { t: 1, type: "call_start", agent: "agent-2", label: 0, input_tokens: 400 },
      { t: 2, type: "call_start", agent: "agent-0", label: 1, input_tokens: 400 },
      // biome-ignore format: one event per line
      { t: 3, type: "call_end", agent: "agent-0", label: 0, ok: true, answer: 1, correct: true, input_tokens: 400, output_tokens: 20, cost_usd: 0.001, attempts: 1, straggler: true },
      {
        t: 4,
        type: "call_end",
        agent: "agent-1",
        label: 0,
        ok: false,
        error: "crashed",
        attempts: 1,
      },
      { t: 5, type: "call_cancel", agent: "agent-2", label: 0 },
      { t: 8, type: "heal" },
    ]);
    expect(d.bars.map((b) => [b.lane, b.start, b.end, b.outcome])).toEqual([
      [0, 1, 3, "ok"],
      [1, 1, 4, "failed"],
      [2, 1, 5, "cancelled"],
      [0, 2, 8, "open"],
    ]);
    expect(d.bars[0].straggler).toBe(true);
    expect(d.bars[0].summary).toContain("answer 1 (correct), 400 in / 20 out tokens");
    expect(d.bars[1].summary).toContain("failed (crashed)");
    expect(d.bars[3].summary).toContain("still running at 8 s");
  });

  it("marks a crash reported by node and model once, and ends the crashed leader's term", () => {
    const d = lamportDiagram([
      start,
      { t: 0.5, type: "raft_candidate", node: "agent-1", term: 1 },
      { t: 0.6, type: "raft_leader", node: "agent-1", term: 1 },
      { t: 5, type: "crash", agent: "agent-1" },
      { t: 5, type: "crash", agent: "agent-1" },
      { t: 7, type: "raft_leader", node: "agent-2", term: 2 },
      { t: 8, type: "recover", agent: "agent-1" },
      { t: 9, type: "raft_apply", node: "agent-2", index: 3, term: 2, value: "0:1" },
      { t: 9.5, type: "decide", node: "agent-0", item: 4, answer: 2 },
      { t: 10, type: "view", node: "agent-0", view: 3 },
    ]);
    expect(d.marks.map((m) => [m.kind, m.lane, m.t, m.label])).toEqual([
      ["candidate", 1, 0.5, "candidate, term 1"],
      ["leader", 1, 0.6, "leader, term 1"],
      ["crash", 1, 5, "crash"],
      ["leader", 2, 7, "leader, term 2"],
      ["recover", 1, 8, "recover"],
      ["commit", 2, 9, "#3"],
      ["decide", 0, 9.5, "item 4"],
      ["view", 0, 10, "view 3"],
    ]);
    expect(d.marks[5].summary).toContain("item:answer 0:1");
    expect(d.terms).toEqual([
      { lane: 1, start: 0.6, end: 5, label: "term 1 leader" },
      { lane: 2, start: 7, end: 10, label: "term 2 leader" },
    ]);
  });

  it("shades a partition until its heal, with its sides as lanes", () => {
    const d = lamportDiagram([
      start,
      { t: 2, type: "partition", groups: [["agent-0"], ["agent-1", "agent-2"]] },
      { t: 6, type: "heal" },
      { t: 8, type: "crash", agent: "agent-0" },
    ]);
    expect(d.partitions).toHaveLength(1);
    expect(d.partitions[0]).toMatchObject({ start: 2, end: 6, groups: [[0], [1, 2]] });
    expect(d.partitions[0].summary).toBe(
      "partition at 2 s: {agent-0} | {agent-1, agent-2}, healed at 6 s",
    );
  });

  it("marks suspicions and trust of the failure detector on the watcher's lane", () => {
    const d = lamportDiagram([
      start,
      { t: 4, type: "suspect", watcher: "agent-0", node: "agent-2" },
      { t: 6, type: "trust", watcher: "agent-0", node: "agent-2" },
    ]);
    expect(d.marks.map((m) => [m.kind, m.lane, m.label])).toEqual([
      ["suspect", 0, "suspects agent-2"],
      ["trust", 0, "trusts agent-2"],
    ]);
  });

  it("draws only the time window, and cuts it with a note beyond maxEvents", () => {
    const events: TraceEvent[] = [start];
    for (let i = 0; i < 10; i++) {
      events.push({ t: i, type: "send", id: i, from: "agent-0", to: "agent-1", kind: "k" });
      events.push({
        t: i + 0.5,
        type: "deliver",
        id: i,
        from: "agent-0",
        to: "agent-1",
        kind: "k",
      });
    }
    const w = lamportDiagram(events, { from: 3, to: 6 });
    expect(w.start).toBe(3);
    expect(w.end).toBe(6);
    expect(w.arrows.map((a) => a.id)).toEqual([3, 4, 5, 6]);
    // Sent before the window, delivered in it: drawn from the window's start.
    const early = lamportDiagram(events, { from: 2.2, to: 3 });
    expect(early.arrows[0]).toMatchObject({ id: 2, sent: 2.2, at: 2.5, kind: "k" });
    const cut = lamportDiagram(events, { maxEvents: 5 });
    expect(cut.events).toBe(6); // run_start and the first 5 of the window
    expect(cut.end).toBe(2);
    expect(cut.note).toContain("more than 5 events");
    expect(lamportDiagram(events).note).toBeUndefined();
  });

  it("keeps what began before the window: a partition, a leader's term (clipped, no marks)", () => {
    const d = lamportDiagram(
      [
        start,
        { t: 1, type: "raft_leader", node: "agent-1", term: 1 },
        { t: 2, type: "partition", groups: [["agent-0"], ["agent-1", "agent-2"]] },
        { t: 3, type: "send", id: 0, from: "agent-0", to: "agent-1", kind: "k" },
        { t: 6, type: "heal" },
        { t: 7, type: "crash", agent: "agent-1" },
      ],
      { from: 5, to: 10 },
    );
    expect(d.marks.map((m) => m.kind)).toEqual(["crash"]);
    expect(d.terms).toEqual([{ lane: 1, start: 5, end: 7, label: "term 1 leader" }]);
    expect(d.partitions[0]).toMatchObject({ start: 5, end: 6 });
    expect(d.arrows).toEqual([]);
  });

  it("draws the raft-failover run: the leader's crash, the election of term 2, and the commits", () => {
    const loaded = loadScenario("scenarios/raft-failover.yaml");
    const trace = new MemoryTrace();
    runReplicate(loaded.scenario, loaded.profiles, 0, { trace, noBaseline: true });
    const d = lamportDiagram(trace.events);
    expect(d.lanes).toEqual(["agent-0", "agent-1", "agent-2", "agent-3", "agent-4"]);
    const sends = trace.events.filter((e) => e.type === "send").length;
    expect(d.arrows.length).toBeGreaterThanOrEqual(sends);
    const crash = d.marks.filter((m) => m.kind === "crash");
    expect(crash).toEqual([expect.objectContaining({ lane: 0, t: 20 })]);
    const leaders = d.marks.filter((m) => m.kind === "leader").map((m) => [m.lane, m.label]);
    expect(leaders[0]).toEqual([0, "leader, term 1"]);
    expect(leaders.at(-1)?.[1]).toBe("leader, term 2");
    expect(d.terms[0]).toMatchObject({ lane: 0, end: 20, label: "term 1 leader" });
    expect(d.marks.filter((m) => m.kind === "commit").length).toBeGreaterThan(30);
    expect(d.bars.length).toBe(trace.events.filter((e) => e.type === "call_start").length);
    // After the crash, messages to agent-0 are dropped.
    expect(d.arrows.some((a) => a.to === 0 && a.fate === "dropped" && a.at > 20)).toBe(true);
  });
});
