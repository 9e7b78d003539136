import { describe, expect, it } from "vitest";
import { MockLLM } from "../../src/agents/MockLLM.js";
import { Rng } from "../../src/core/Rng.js";
import { Simulation } from "../../src/core/Simulation.js";
import { MemoryTrace } from "../../src/core/Trace.js";
import { runScenario } from "../../src/experiment/runScenario.js";
import { applyFaults } from "../../src/faults/applyFaults.js";
import { Network } from "../../src/net/Network.js";
import { bareRuntime } from "../../src/runtime/Runtime.js";
import { loadModelProfiles } from "../../src/scenario/loadModelProfiles.js";
import { scenarioOf } from "../helpers.js";

function world() {
  const sim = new Simulation();
  const rng = new Rng(1);
  const trace = new MemoryTrace();
  const net = new Network(
    sim,
    rng,
    {
      latency: { dist: "fixed", value: 0.1 },
      loss: 0,
      duplicate: 0,
      fifo: false,
      partition_mode: "drop",
    },
    trace,
  );
  const profile = loadModelProfiles().get("gpt-4o");
  if (!profile) throw new Error("gpt-4o profile missing");
  const agents = [0, 1, 2].map((i) => new MockLLM(`agent-${i}`, i, profile, sim, rng, trace));
  // The fault plan crashes whole nodes: the runtime's, each running one of the agents.
  const rt = bareRuntime(sim, net, rng, trace);
  for (const a of agents) rt.addMember(a);
  const nodes = new Map(rt.members.map((n) => [n.name, n]));
  return { sim, net, agents, nodes, trace, rng };
}

describe("applyFaults", () => {
  it("crashes and recovers agents at the given times, taking their nodes down and up", () => {
    const { sim, net, agents, nodes, rng } = world();
    applyFaults(
      [
        { at_s: 10, crash: ["agent-1"] },
        { at_s: 20, recover: ["agent-1"] },
      ],
      sim,
      net,
      agents,
      nodes,
      rng,
      1e9,
    );
    sim.run({ until: 15 });
    expect(agents[1].isAlive).toBe(false);
    expect(net.isUp("agent-1")).toBe(false);
    expect(agents[0].isAlive).toBe(true);
    sim.run();
    expect(agents[1].isAlive).toBe(true);
    expect(net.isUp("agent-1")).toBe(true);
  });

  it("partitions at at_s and heals at heal_at_s, or at a separate heal", () => {
    const { sim, net, agents, nodes, trace, rng } = world();
    applyFaults(
      [
        { at_s: 5, partition: [["agent-0"], ["agent-1", "agent-2"]], heal_at_s: 8 },
        { at_s: 10, partition: [["agent-2"]] },
        { at_s: 12, heal: true },
      ],
      sim,
      net,
      agents,
      nodes,
      rng,
      1e9,
    );
    const cut: [number, boolean][] = [];
    for (const t of [4, 6, 9, 11, 13])
      sim.scheduleAt(t, () => cut.push([t, net.isCut("agent-0", "agent-2")]));
    sim.run();
    expect(cut).toEqual([
      [4, false],
      [6, true],
      [9, false],
      [11, true],
      [13, false],
    ]);
    expect(
      trace.events
        .filter((e) => e.type === "partition" || e.type === "heal")
        .map((e) => [e.t, e.type]),
    ).toEqual([
      [5, "partition"],
      [8, "heal"],
      [10, "partition"],
      [12, "heal"],
    ]);
  });
});

describe("fault plan: timed link faults, Byzantine agents, stragglers, rate limits, random crashes", () => {
  it("delay adds latency on the given links inside its window only", () => {
    const { sim, net, agents, nodes, rng } = world();
    applyFaults(
      [
        {
          at_s: 5,
          until_s: 10,
          delay: { dist: "fixed", value: 2 },
          links: [["agent-0", "agent-1"]],
        },
      ],
      sim,
      net,
      agents,
      nodes,
      rng,
      1e9,
    );
    const arrivals: [string, number][] = [];
    net.register("agent-1", (m) => arrivals.push([m.payload as string, sim.now]));
    net.register("agent-2", (m) => arrivals.push([m.payload as string, sim.now]));
    sim.scheduleAt(6, () => net.send("agent-0", "agent-1", "m", "in-window"));
    sim.scheduleAt(6, () => net.send("agent-0", "agent-2", "m", "other-link"));
    sim.scheduleAt(11, () => net.send("agent-0", "agent-1", "m", "after"));
    sim.run();
    expect(arrivals.map(([p, t]) => [p, Math.round(t * 1000) / 1000])).toEqual([
      ["other-link", 6.1],
      ["in-window", 8.1],
      ["after", 11.1],
    ]);
  });

  it("loss drops messages inside its window at its rate", () => {
    const { sim, net, agents, nodes, rng } = world();
    applyFaults([{ at_s: 0, until_s: 100, loss: 0.3 }], sim, net, agents, nodes, rng, 1e9);
    net.register("agent-1", () => {});
    const n = 10_000;
    for (let i = 0; i < n; i++) net.send("agent-0", "agent-1", "m", i);
    sim.scheduleAt(200, () => net.send("agent-0", "agent-1", "m", "late"));
    sim.run();
    expect(Math.abs(net.stats.dropped / n - 0.3)).toBeLessThan(5 * Math.sqrt((0.3 * 0.7) / n));
    expect(net.stats.delivered + net.stats.dropped).toBe(n + 1);
  });

  it("a silent Byzantine agent's messages are all dropped; a delaying one's arrive late", () => {
    const { sim, net, agents, nodes, rng } = world();
    applyFaults(
      [
        { at_s: 0, byzantine: ["agent-1"], behaviour: "silent" },
        { at_s: 0, byzantine: ["agent-2"], behaviour: "delaying" },
      ],
      sim,
      net,
      agents,
      nodes,
      rng,
      1e9,
    );
    const got: [string, number][] = [];
    net.register("agent-0", (m) => got.push([m.from, sim.now]));
    net.send("agent-1", "agent-0", "m", 1);
    net.send("agent-2", "agent-0", "m", 2);
    sim.run();
    expect(got.map(([f]) => f)).toEqual(["agent-2"]);
    expect(got[0][1]).toBeGreaterThan(2);
    expect(net.stats.dropped).toBe(1);
  });

  it("an always-wrong Byzantine agent never answers right", () => {
    const r = runScenario(
      scenarioOf({
        replicates: 5,
        agents: { model: "gpt-4o", count: 1 },
        task: { kind: "questions", items: 50, difficulty: { kind: "fixed", p: 0.9 } },
        faults: [{ byzantine: ["agent-0"], behaviour: "always-wrong" }],
      }),
    ).report;
    expect(r.summary.accuracy.max).toBe(0);
  });

  it("a straggler's calls are slowed by its factor inside the window", () => {
    // Without transient errors: a failed attempt's latency (error_latency) is
    // not the model's generation and is not slowed, so it would blur the factor.
    const base = {
      replicates: 5,
      agents: [{ model: "gpt-4o", count: 1, overrides: { failures: { transient_error_rate: 0 } } }],
      task: { kind: "questions", items: 20 },
    };
    const plain = runScenario(scenarioOf(base)).report;
    const slow = runScenario(
      scenarioOf({ ...base, faults: [{ straggler: ["agent-0"], slowdown: 3 }] }),
    ).report;
    // Same seed, same draws: every call exactly three times longer.
    expect(slow.summary.call_latency_s.mean).toBeCloseTo(3 * plain.summary.call_latency_s.mean, 9);
  });

  it("a rate limit spaces calls out with 429s and retries", () => {
    const base = {
      replicates: 3,
      agents: { model: "gpt-4o", count: 5 },
      team: { protocol: "independent" },
      task: { kind: "questions", items: 10 },
    };
    const free = runScenario(scenarioOf(base)).report;
    const limited = runScenario(
      scenarioOf({ ...base, faults: [{ rate_limit: { requests_per_minute: 30, burst: 2 } }] }),
    ).report;
    // 50 calls at 30 per minute cannot all go through quickly: 429s, backoff, and
    // calls that give up after max_attempts.
    expect(limited.summary.makespan_s.min).toBeGreaterThan(1.5 * free.summary.makespan_s.max);
    expect(limited.summary.retries.mean).toBeGreaterThan(free.summary.retries.mean + 10);
    expect(limited.summary.decided.mean).toBe(1);
  });

  it("random crashes follow the rate and are reproducible from the seed", () => {
    const doc = {
      replicates: 200,
      agents: { model: "gpt-4o", count: 1 },
      task: { kind: "questions", items: 1000 },
      horizon_s: 3600,
      faults: [{ crash_rate: { per_hour: 1 } }],
    };
    const a = runScenario(scenarioOf(doc)).report;
    const b = runScenario(scenarioOf(doc)).report;
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    // P(crash within the 1000-item run) = 1 - exp(-T/3600) with T the run's length (~1 h for 1000 calls).
    expect(a.summary.crashes.mean).toBeGreaterThan(0.3);
    expect(a.summary.crashes.mean).toBeLessThan(0.8);
  });

  it("faults that name unknown agents are input errors", () => {
    expect(() =>
      scenarioOf({ agents: { count: 2 }, faults: [{ byzantine: ["agent-5"] }] }),
    ).toThrow(
      /faults\.0\.byzantine\.0: expected an agent of this team \(agent-0 \.\. agent-1\), found "agent-5"/,
    );
    expect(() => scenarioOf({ faults: [{ at_s: 1, loss: 0.2, slowdown: 2 }] })).toThrow(
      /faults\.0\.slowdown: expected slowdown only with straggler/,
    );
  });
});
