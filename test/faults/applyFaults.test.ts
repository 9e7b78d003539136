import { describe, expect, it } from "vitest";
import { loadModelProfiles } from "../../src/agents/loadModelProfiles.js";
import { MockLLM } from "../../src/agents/MockLLM.js";
import { Rng } from "../../src/core/Rng.js";
import { Simulation } from "../../src/core/Simulation.js";
import { MemoryTrace } from "../../src/core/Trace.js";
import { applyFaults } from "../../src/faults/applyFaults.js";
import { Network } from "../../src/net/Network.js";

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
  return { sim, net, agents, trace };
}

describe("applyFaults", () => {
  it("crashes and recovers agents at the given times, taking their nodes down and up", () => {
    const { sim, net, agents } = world();
    applyFaults(
      [
        { at_s: 10, crash: ["agent-1"] },
        { at_s: 20, recover: ["agent-1"] },
      ],
      sim,
      net,
      agents,
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
    const { sim, net, agents, trace } = world();
    applyFaults(
      [
        { at_s: 5, partition: [["agent-0"], ["agent-1", "agent-2"]], heal_at_s: 8 },
        { at_s: 10, partition: [["agent-2"]] },
        { at_s: 12, heal: true },
      ],
      sim,
      net,
      agents,
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
