import { describe, expect, it } from "vitest";
import { Rng } from "../../src/core/Rng.js";
import { Simulation } from "../../src/core/Simulation.js";
import { MemoryTrace, NO_TRACE } from "../../src/core/Trace.js";
import { type Message, Network, type NetworkConfig } from "../../src/net/Network.js";

const base: NetworkConfig = {
  latency: { dist: "fixed", value: 0.1 },
  loss: 0,
  duplicate: 0,
  fifo: false,
  partition_mode: "drop",
};

function world(config: Partial<NetworkConfig> = {}, seed = 1) {
  const sim = new Simulation();
  const trace = new MemoryTrace();
  const net = new Network(sim, new Rng(seed), { ...base, ...config }, trace);
  const got: Record<string, Message[]> = {};
  for (const n of ["a", "b", "c"]) {
    got[n] = [];
    net.register(n, (m) => got[n].push(m));
  }
  return { sim, net, got, trace };
}

describe("Network", () => {
  it("delivers after the link latency and counts messages and tokens", () => {
    const { sim, net, got } = world();
    net.send("a", "b", "hello", { x: 1 }, 12);
    let deliveredAt = -1;
    net.register("b", (m) => {
      deliveredAt = sim.now;
      got.b.push(m);
    });
    sim.run();
    expect(deliveredAt).toBeCloseTo(0.1, 12);
    expect(got.b.map((m) => m.payload)).toEqual([{ x: 1 }]);
    expect(net.stats).toMatchObject({
      sent: 1,
      delivered: 1,
      dropped: 0,
      tokens_sent: 12,
      tokens_delivered: 12,
    });
  });

  it("loses messages at the configured rate", () => {
    const { sim, net } = world({ loss: 0.2 });
    const n = 20_000;
    for (let i = 0; i < n; i++) net.send("a", "b", "m", i, 1);
    sim.run();
    const rate = net.stats.dropped / n;
    // Binomial: sd = sqrt(p(1-p)/n) ≈ 0.0028; allow 5 sd.
    expect(Math.abs(rate - 0.2)).toBeLessThan(5 * Math.sqrt((0.2 * 0.8) / n));
    expect(net.stats.delivered + net.stats.dropped).toBe(n);
  });

  it("duplicates messages at the configured rate", () => {
    const { sim, net } = world({ duplicate: 0.1 });
    const n = 20_000;
    for (let i = 0; i < n; i++) net.send("a", "b", "m", i);
    sim.run();
    expect(Math.abs(net.stats.duplicated / n - 0.1)).toBeLessThan(5 * Math.sqrt((0.1 * 0.9) / n));
    expect(net.stats.delivered).toBe(n + net.stats.duplicated);
  });

  it("keeps per-link send order when fifo is on, and not necessarily when off", () => {
    const order = (fifo: boolean) => {
      const { sim, net, got } = world({ fifo, latency: { dist: "exponential", mean: 1 } });
      for (let i = 0; i < 200; i++) net.send("a", "b", "m", i);
      sim.run();
      return got.b.map((m) => m.payload as number);
    };
    const sorted = Array.from({ length: 200 }, (_, i) => i);
    expect(order(true)).toEqual(sorted);
    expect(order(false)).not.toEqual(sorted);
  });

  it("a partition in drop mode drops messages across it, and heal restores delivery", () => {
    const { sim, net, got } = world();
    net.partition([["a"], ["b", "c"]]);
    net.send("a", "b", "m", 1);
    net.send("b", "c", "m", 2);
    sim.run();
    expect(got.b).toHaveLength(0);
    expect(got.c.map((m) => m.payload)).toEqual([2]);
    expect(net.stats.dropped).toBe(1);
    net.heal();
    net.send("a", "b", "m", 3);
    sim.run();
    expect(got.b.map((m) => m.payload)).toEqual([3]);
  });

  it("a partition in hold mode holds messages and delivers them in order after heal", () => {
    const { sim, net, got } = world({ partition_mode: "hold", fifo: true });
    net.partition([["a"], ["b"]]);
    net.send("a", "b", "m", 1);
    net.send("a", "b", "m", 2);
    sim.schedule(5, () => net.heal());
    sim.run();
    expect(got.b.map((m) => m.payload)).toEqual([1, 2]);
    expect(got.b.every((m) => m.sentAt === 0)).toBe(true);
    expect(net.stats).toMatchObject({ held: 2, dropped: 0, delivered: 2 });
    expect(sim.now).toBeCloseTo(5.1, 12);
  });

  it("messages in flight when a partition starts are cut on arrival", () => {
    const { sim, net, got } = world({ latency: { dist: "fixed", value: 1 } });
    net.send("a", "b", "m", 1);
    sim.schedule(0.5, () => net.partition([["a"], ["b"]]));
    sim.run();
    expect(got.b).toHaveLength(0);
    expect(net.stats.dropped).toBe(1);
  });

  it("nodes not named in a partition form one group of their own", () => {
    const { net } = world();
    net.partition([["a"]]);
    expect(net.isCut("a", "b")).toBe(true);
    expect(net.isCut("b", "c")).toBe(false);
  });

  it("drops messages to and from a node that is down", () => {
    const { sim, net, got } = world();
    net.setUp("b", false);
    net.send("a", "b", "m", 1);
    net.send("b", "a", "m", 2);
    sim.run();
    expect(got.a).toHaveLength(0);
    expect(got.b).toHaveLength(0);
    expect(net.stats.dropped).toBe(2);
  });

  it("each link draws from its own stream: traffic on one link does not change another's latencies", () => {
    const latencies = (extra: boolean) => {
      const sim = new Simulation();
      const net = new Network(
        sim,
        new Rng(9),
        { ...base, latency: { dist: "exponential", mean: 1 } },
        NO_TRACE,
      );
      const times: number[] = [];
      net.register("b", () => times.push(sim.now));
      net.register("c", () => {});
      for (let i = 0; i < 10; i++) {
        if (extra) net.send("a", "c", "noise", i);
        sim.schedule(i, () => net.send("a", "b", "m", i));
      }
      sim.run();
      return times;
    };
    expect(latencies(true)).toEqual(latencies(false));
  });

  it("adding a node leaves the others' draws unchanged, whatever number it gets", () => {
    // Issue 14: links are slots in a StreamTable and nodes are numbers inside;
    // a link's stream is still named by its ends (net/from>to), so a node added
    // first (shifting every number) with traffic of its own changes nothing else.
    const run = (added: boolean) => {
      const sim = new Simulation();
      const net = new Network(
        sim,
        new Rng(5),
        {
          ...base,
          latency: { dist: "lognormal", median: 0.05, sigma: 0.8 },
          loss: 0.2,
          duplicate: 0.1,
        },
        NO_TRACE,
      );
      const seen: string[] = [];
      if (added) net.register("newcomer", () => {});
      for (const n of ["agent-0", "agent-1", "agent-2"])
        net.register(n, (m) => seen.push(`${m.from}>${m.to}:${m.payload}@${sim.now}`));
      for (let i = 0; i < 200; i++) {
        sim.schedule(i / 10, () => {
          if (added) net.send("newcomer", "agent-1", "noise", i);
          net.send(`agent-${i % 3}`, `agent-${(i + 1) % 3}`, "m", i);
          if (added) net.send("agent-2", "newcomer", "noise", i);
        });
      }
      sim.run();
      return seen.filter((s) => !s.includes("newcomer"));
    };
    const before = run(false);
    expect(before.length).toBeGreaterThan(100);
    expect(run(true)).toEqual(before);
  });

  it("opens one stream per directed link that carries a message, not per pair of nodes", () => {
    const { sim, net } = world();
    for (let i = 0; i < 5; i++) net.send("a", "b", "m", i);
    net.send("b", "a", "m", 0);
    sim.run();
    expect(net.linkCount).toBe(2);
  });

  it("traces send, deliver and drop events", () => {
    const { sim, net, trace } = world({ loss: 1 });
    net.send("a", "b", "m", 1, 3);
    sim.run();
    expect(trace.events.map((e) => e.type)).toEqual(["send", "drop"]);
    expect(trace.events[1]).toMatchObject({ reason: "loss", from: "a", to: "b" });
  });

  it("per-link overrides change latency and loss on that link only, in both directions", () => {
    const { sim, net, got } = world({
      links: [
        { between: ["a", "b"], latency: { dist: "fixed", value: 2 } },
        { between: ["c", "a"], loss: 1 },
      ],
    });
    const at: Record<string, number> = {};
    net.register("b", (m) => {
      at[`b${m.payload}`] = sim.now;
    });
    net.register("a", (m) => {
      at[`a${m.payload}`] = sim.now;
      got.a.push(m);
    });
    net.send("a", "b", "m", 1);
    net.send("b", "a", "m", 2);
    net.send("b", "c", "m", 3);
    net.send("a", "c", "m", 4);
    net.send("c", "a", "m", 5);
    sim.run();
    expect(at).toEqual({ b1: 2, a2: 2 });
    expect(got.c.map((m) => m.payload)).toEqual([3]);
    expect(net.stats.dropped).toBe(2);
  });
});
