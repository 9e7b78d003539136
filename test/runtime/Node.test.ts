import { describe, expect, it } from "vitest";
import { Rng } from "../../src/core/Rng.js";
import { Simulation } from "../../src/core/Simulation.js";
import { MemoryTrace } from "../../src/core/Trace.js";
import { Network, type NetworkConfig } from "../../src/net/Network.js";
import type { FailureDetectorConfig } from "../../src/runtime/FailureDetector.js";
import type { Node } from "../../src/runtime/Node.js";
import type { ProcessBody } from "../../src/runtime/Process.js";
import { bareRuntime, Runtime } from "../../src/runtime/Runtime.js";

type Msgs = { ping: { n: number }; pong: { n: number }; note: string };

const NET: NetworkConfig = {
  latency: { dist: "fixed", value: 1 },
  loss: 0,
  duplicate: 0,
  fifo: false,
  partition_mode: "drop",
};

/** A runtime of `n` extra nodes a0..a(n-1) (no models) on a network with `net` overrides. */
function world(n: number, net: Partial<NetworkConfig> = {}, detector?: FailureDetectorConfig) {
  const sim = new Simulation();
  const rng = new Rng(1);
  const trace = new MemoryTrace();
  const network = new Network(sim, rng, { ...NET, ...net }, trace);
  const bare = bareRuntime(sim, network, rng, trace);
  const rt =
    detector === undefined
      ? bare
      : new Runtime({
          sim,
          net: network,
          rng,
          trace,
          task: bare.task,
          history: bare.history,
          byzantine: new Map(),
          detector,
        });
  const nodes = Array.from({ length: n }, (_, i) => {
    rt.addNode(`a${i}`);
    return rt.node<Msgs>(`a${i}`);
  });
  return { sim, rt, nodes, net: network };
}

describe("Node", () => {
  it("delivers typed messages to handlers after the link's latency; a note to itself is free", () => {
    const { sim, nodes, net } = world(2);
    const [a, b] = nodes;
    const got: [string, number, number][] = [];
    b.on("ping", (p, from) => {
      got.push([from.name, p.n, sim.now]);
      b.send(from, "pong", { n: p.n + 1 }, 1);
    });
    a.on("pong", (p) => got.push(["pong", p.n, sim.now]));
    a.on("note", (text, from) => got.push([`${from.name}:${text}`, 0, sim.now]));
    a.send(b, "ping", { n: 1 }, 1);
    a.send(a, "note", "self", 1);
    sim.run();
    expect(got).toEqual([
      ["a0:self", 0, 0],
      ["a0", 1, 1],
      ["pong", 2, 2],
    ]);
    expect(net.stats.sent).toBe(2);
  });

  it("rpc matches the reply, or gives null after its timeout", () => {
    const { sim, nodes } = world(2, { loss: 0 });
    const [a, b] = nodes;
    b.on("ping", (p, from, rpc) => b.reply(from, rpc, "pong", { n: p.n * 10 }));
    const replies: ({ n: number } | null)[] = [];
    a.rpc(b, "ping", { n: 4 }, 1, 5, "pong", (r) => replies.push(r));
    sim.run();
    expect(replies).toEqual([{ n: 40 }]);
    // Nobody answers "note": the request times out.
    a.rpc(b, "note", "x", 1, 5, "pong", (r) => replies.push(r));
    sim.run();
    expect(replies).toEqual([{ n: 40 }, null]);
    expect(sim.now).toBe(7);
  });

  it("a crash cancels the node's timers and kills its processes; it runs no code until it recovers", () => {
    const { sim, nodes } = world(2);
    const [a, b] = nodes;
    const ticks: number[] = [];
    a.every(1, () => ticks.push(sim.now));
    let finished = false;
    function* waiter(): ProcessBody {
      try {
        yield* a.receive("note");
      } finally {
        finished = true;
      }
    }
    a.spawn(waiter());
    const heard: number[] = [];
    a.on("ping", () => heard.push(sim.now));
    sim.run({ until: 2.5 });
    a.crash();
    expect(finished).toBe(true);
    b.send(a, "ping", { n: 0 }, 1);
    sim.run({ until: 10 });
    expect(ticks).toEqual([1, 2]);
    expect(heard).toEqual([]);
    a.recover();
    const back = sim.now;
    b.send(a, "ping", { n: 0 }, 1);
    sim.run({ until: 20 });
    // Handlers are code, not state: they stay. Timers and processes do not.
    expect(heard).toEqual([back + 1]);
    expect(ticks).toEqual([1, 2]);
  });

  it("a process receives from its mailbox, races a timeout, and sleeps", () => {
    const { sim, nodes } = world(2);
    const [a, b] = nodes;
    const log: string[] = [];
    function* p(): ProcessBody {
      const first = yield* a.receive("note");
      log.push(`${first}@${sim.now}`);
      const none = yield* a.receive("note", 2);
      log.push(`${none}@${sim.now}`);
      yield* a.sleep(3);
      const queued = yield* a.receiveMessage("note");
      log.push(`${queued?.payload} from ${queued?.from.name}@${sim.now}`);
    }
    a.spawn(p());
    b.send(a, "note", "hello", 1);
    sim.schedule(4, () => b.send(a, "note", "early", 1));
    sim.run();
    // "early" arrives at 5 while the process sleeps (3..6): it waits in the mailbox.
    expect(log).toEqual(["hello@1", "null@3", "early from a1@6"]);
  });

  it("a crash during a sleep cancels its wake-up: the process never resumes and no event is left", () => {
    const { sim, nodes } = world(1);
    const [a] = nodes;
    const log: string[] = [];
    function* p(): ProcessBody {
      try {
        yield* a.sleep(10);
        log.push(`woke@${sim.now}`);
      } finally {
        log.push(`finally@${sim.now}`);
      }
    }
    a.spawn(p());
    sim.schedule(1, () => a.crash());
    expect(sim.pending).toBe(2);
    const out = sim.run();
    expect(log).toEqual(["finally@1"]);
    // The cancelled wake-up is skipped, not run: the run ends at the crash.
    expect(out.events).toBe(1);
    expect(sim.now).toBe(1);
    expect(sim.pending).toBe(0);
  });

  it("sleeps wake in order of their end times, and equal ends in the order they began", () => {
    const { sim, nodes } = world(2);
    const log: string[] = [];
    function* p(name: string, node: Node<Msgs>, dts: number[]): ProcessBody {
      for (const dt of dts) {
        yield* node.sleep(dt);
        log.push(`${name}@${sim.now}`);
      }
    }
    nodes[0].spawn(p("a", nodes[0], [2, 1, 3]));
    nodes[1].spawn(p("b", nodes[1], [1, 2, 0]));
    sim.run();
    expect(log).toEqual(["b@1", "a@2", "b@3", "a@3", "b@3", "a@6"]);
  });
});

describe("sendReliably", () => {
  it("under the perfect detector is a plain send: a lost message is lost", () => {
    const { sim, nodes } = world(2, { loss: 1 });
    let got = 0;
    nodes[1].on("ping", () => got++);
    nodes[0].sendReliably(nodes[1], "ping", { n: 1 }, 1);
    sim.run();
    expect(got).toBe(0);
  });

  it("under a timeout detector resends until acknowledged and delivers once, even with loss and duplication", () => {
    const { sim, nodes, net } = world(
      2,
      { loss: 0.5, duplicate: 0.5 },
      { kind: "timeout", heartbeat_s: 1, timeout_s: 3 },
    );
    const got: number[] = [];
    nodes[1].on("ping", (p) => got.push(p.n));
    for (let n = 0; n < 50; n++) nodes[0].sendReliably(nodes[1], "ping", { n }, 1);
    sim.run();
    expect([...got].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, n) => n));
    // Loss made it resend.
    expect(net.stats.sent).toBeGreaterThan(100);
  });
});

describe("failure detectors", () => {
  function watch(detector: FailureDetectorConfig, faults: (w: ReturnType<typeof world>) => void) {
    const w = world(3, {}, detector);
    const d = w.rt.detector(w.nodes[0], w.nodes as unknown as Node[]);
    const changes: string[] = [];
    d.onChange((node, suspected) => changes.push(`${w.sim.now} ${node.name} ${suspected}`));
    faults(w);
    w.sim.run({ until: 60 });
    d.stop();
    return { changes, counters: w.rt.counters };
  }

  it("perfect: knows of a crash and a recovery at once", () => {
    const { changes, counters } = watch("perfect", ({ sim, nodes }) => {
      sim.schedule(10, () => nodes[2].crash());
      sim.schedule(20, () => nodes[2].recover());
    });
    expect(changes).toEqual(["10 a2 true", "20 a2 false"]);
    expect(counters.suspicions).toBe(0);
  });

  it("timeout: suspects a crashed node after timeout_s without a heartbeat (a true suspicion)", () => {
    const { changes, counters } = watch(
      { kind: "timeout", heartbeat_s: 1, timeout_s: 5 },
      ({ sim, nodes }) => {
        sim.schedule(10.5, () => nodes[2].crash());
        sim.schedule(30.5, () => nodes[2].recover());
      },
    );
    // Last heartbeat sent at 10, received at 11: suspected at 16; trusted at its first new one.
    expect(changes).toEqual(["16 a2 true", "32.5 a2 false"]);
    expect(counters).toMatchObject({ suspicions: 1, false_suspicions: 0 });
  });

  it("timeout: a partition makes it suspect nodes that are up (false suspicions)", () => {
    const { changes, counters } = watch(
      { kind: "timeout", heartbeat_s: 1, timeout_s: 5 },
      ({ sim, net }) => {
        sim.schedule(10.5, () => net.partition([["a0"], ["a1", "a2"]]));
        sim.schedule(30.5, () => net.heal());
      },
    );
    // The heartbeats sent at 10 are cut on arrival: the last ones heard arrived at 10.
    expect(changes).toEqual(["15 a1 true", "15 a2 true", "32 a1 false", "32 a2 false"]);
    expect(counters).toMatchObject({ suspicions: 2, false_suspicions: 2 });
  });
});
