import { join } from "node:path";
import { Rng } from "../src/core/Rng.js";
import { Simulation } from "../src/core/Simulation.js";
import { NO_TRACE } from "../src/core/Trace.js";
import { runReplicate } from "../src/experiment/runReplicate.js";
import { Network, type NetworkConfig } from "../src/net/Network.js";
import { bareRuntime } from "../src/runtime/Runtime.js";
import { loadScenario } from "../src/scenario/loadScenario.js";
import { packageRoot } from "../src/scenario/packageRoot.js";

const NET: NetworkConfig = {
  latency: { dist: "lognormal", median: 0.05, sigma: 0.5 },
  loss: 0,
  duplicate: 0,
  fifo: false,
  partition_mode: "drop",
};

/** Messages delivered and the wall time it took. */
export interface MessageRun {
  delivered: number;
  seconds: number;
}

function timed(run: () => number): MessageRun {
  const t0 = process.hrtime.bigint();
  const delivered = run();
  return { delivered, seconds: Number(process.hrtime.bigint() - t0) / 1e9 };
}

/** The baseline: `pairs` ping-pongs straight on the network (raw register/send), `messages` deliveries. */
export function pingPongNetwork(pairs: number, messages: number): MessageRun {
  const sim = new Simulation();
  const net = new Network(sim, new Rng(1), NET, NO_TRACE);
  let left = messages;
  for (let p = 0; p < pairs; p++) {
    const a = `agent-${2 * p}`;
    const b = `agent-${2 * p + 1}`;
    net.register(a, (m) => {
      if (left-- > 0) net.send(a, b, "ping", m.payload, 1);
    });
    net.register(b, (m) => {
      if (left-- > 0) net.send(b, a, "pong", m.payload, 1);
    });
  }
  return timed(() => {
    for (let p = 0; p < pairs; p++)
      net.send(`agent-${2 * p}`, `agent-${2 * p + 1}`, "ping", { n: p }, 1);
    sim.run();
    return net.stats.delivered;
  });
}

/**
 * The same ping-pongs written the way protocols were before the runtime: one
 * network handler per node that switches on the message kind, casts the payload
 * and parses the sender's index out of its name.
 */
export function pingPongProtocolStyle(pairs: number, messages: number): MessageRun {
  const sim = new Simulation();
  const net = new Network(sim, new Rng(1), NET, NO_TRACE);
  const names = Array.from({ length: 2 * pairs }, (_, i) => `agent-${i}`);
  let left = messages;
  for (const name of names) {
    net.register(name, (m) => {
      const from = Number(m.from.slice("agent-".length));
      switch (m.kind) {
        case "ping":
        case "pong": {
          const payload = m.payload as { n: number };
          if (left-- > 0)
            net.send(name, names[from], m.kind === "ping" ? "pong" : "ping", payload, 1);
          break;
        }
      }
    });
  }
  return timed(() => {
    for (let p = 0; p < pairs; p++) net.send(names[2 * p], names[2 * p + 1], "ping", { n: p }, 1);
    sim.run();
    return net.stats.delivered;
  });
}

type PingPong = { ping: { n: number }; pong: { n: number } };

/** The same ping-pongs through the runtime's nodes (typed handlers, `send`). */
export function pingPongRuntime(pairs: number, messages: number): MessageRun {
  const sim = new Simulation();
  const rng = new Rng(1);
  const net = new Network(sim, rng, NET, NO_TRACE);
  const rt = bareRuntime(sim, net, rng, NO_TRACE);
  for (let i = 0; i < 2 * pairs; i++) rt.addNode(`agent-${i}`);
  let left = messages;
  const nodes = Array.from({ length: 2 * pairs }, (_, i) => rt.node<PingPong>(`agent-${i}`));
  for (let p = 0; p < pairs; p++) {
    const [a, b] = [nodes[2 * p], nodes[2 * p + 1]];
    a.on("pong", (m, from) => {
      if (left-- > 0) a.send(from, "ping", m, 1);
    });
    b.on("ping", (m, from) => {
      if (left-- > 0) b.send(from, "pong", m, 1);
    });
  }
  return timed(() => {
    for (let p = 0; p < pairs; p++) nodes[2 * p].send(nodes[2 * p + 1], "ping", { n: p }, 1);
    sim.run();
    return net.stats.delivered;
  });
}

/** PBFT's rate in one process: the first replicate (the JIT still compiling) and the next ones'. */
export interface PbftRun {
  messages: number;
  /** Messages/s of the first replicate. */
  cold: number;
  /** Median messages/s of replicates 2 to `replicates`. */
  warm: number;
}

/**
 * PBFT with 100 agents (scenarios/pbft-byzantine.yaml without its fault):
 * `replicates` replicates one after another in this process, each timed. The
 * first runs while V8 is still compiling the hot path (its speed swings by a
 * third from process to process with the background compiler's timing); the
 * later ones are what a run of many replicates spends its time on, and are
 * measured as the ping-pongs are (on a second run).
 */
export function pbft100(replicates = 4): PbftRun {
  const loaded = loadScenario(join(packageRoot(), "scenarios", "pbft-byzantine.yaml"), {
    sets: ["agents.count=100", "replicates=1", "faults=[]"],
  });
  const profile = loaded.profiles.get(loaded.scenario.agents.model);
  if (profile === undefined) throw new Error("no profile");
  const rates: number[] = [];
  let messages = 0;
  for (let r = 0; r < replicates; r++) {
    const run = timed(
      () => runReplicate(loaded.scenario, profile, r, { noBaseline: true }).result.messages,
    );
    messages = run.delivered;
    rates.push(run.delivered / run.seconds);
  }
  const later = rates.slice(1).sort((x, y) => x - y);
  return { messages, cold: rates[0], warm: later[later.length >> 1] };
}
