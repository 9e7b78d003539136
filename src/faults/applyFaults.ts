import type { MockLLM } from "../agents/MockLLM.js";
import { RateLimiter } from "../agents/RateLimiter.js";
import { sample } from "../core/Distribution.js";
import type { Rng } from "../core/Rng.js";
import type { Simulation } from "../core/Simulation.js";
import type { Network } from "../net/Network.js";
import type { Fault } from "./FaultSchema.js";

/** What the fault plan crashes and recovers: a whole node (its model, code and endpoint at once). */
export interface FaultTarget {
  crash(): void;
  recover(): void;
}

/** Extra delay of a Byzantine "delaying" agent's messages. */
const BYZANTINE_DELAY = { dist: "lognormal", median: 10, sigma: 0.5 } as const;

/**
 * Schedules a scenario's fault plan (the "nemesis") on the simulation clock.
 * Random faults draw from their own `faults/<k>/...` streams, so the same seed
 * gives the same faults, and nothing is scheduled past `horizon`.
 */
export function applyFaults(
  faults: readonly Fault[],
  sim: Simulation,
  net: Network,
  agents: readonly MockLLM[],
  nodes: ReadonlyMap<string, FaultTarget>,
  rng: Rng,
  horizon: number,
): void {
  const byName = new Map(agents.map((a) => [a.id, a]));
  // A crashed node stops calling its model, running its code, sending and receiving.
  const setUp = (names: readonly string[], up: boolean) => {
    for (const n of names) {
      const node = nodes.get(n);
      if (up) node?.recover();
      else node?.crash();
    }
  };
  // Faults due now act at once, before the protocol's first calls are drawn.
  const at = (t: number, f: () => void) => {
    if (t <= sim.now) f();
    else if (t <= horizon) sim.scheduleAt(t, f);
  };
  faults.forEach((f, k) => {
    const until = f.until_s ?? Number.POSITIVE_INFINITY;
    if (f.crash) {
      const names = f.crash;
      at(f.at_s, () => setUp(names, false));
    } else if (f.recover) {
      const names = f.recover;
      at(f.at_s, () => setUp(names, true));
    } else if (f.crash_rate) {
      const { per_hour, recover_after } = f.crash_rate;
      for (const name of f.crash_rate.agents ?? agents.map((a) => a.id)) {
        // A renewal process per agent: up for Exp(rate), then down for recover_after.
        const stream = rng.stream(`faults/${k}/${name}`);
        const crashAfter = (t: number) => {
          at(t + stream.exponential(per_hour / 3600), () => {
            setUp([name], false);
            if (recover_after !== undefined) {
              at(sim.now + Math.max(0, sample(stream, recover_after)), () => {
                setUp([name], true);
                crashAfter(sim.now);
              });
            }
          });
        };
        crashAfter(f.at_s);
      }
    } else if (f.partition) {
      const groups = f.partition;
      at(f.at_s, () => net.partition(groups));
      if (f.heal_at_s !== undefined) at(f.heal_at_s, () => net.heal());
    } else if (f.heal) {
      at(f.at_s, () => net.heal());
    } else if (f.delay || f.loss !== undefined || f.duplicate !== undefined) {
      net.impair({
        from: f.at_s,
        until,
        links: f.links,
        delay: f.delay,
        loss: f.loss,
        duplicate: f.duplicate,
      });
    } else if (f.byzantine) {
      // Behaviours the harness can impose on any protocol; equivocation is the protocol's to model.
      for (const name of f.byzantine) {
        const behaviour = f.behaviour ?? "always-wrong";
        if (behaviour === "silent") net.impair({ from: f.at_s, until, sender: name, silent: true });
        if (behaviour === "delaying")
          net.impair({ from: f.at_s, until, sender: name, delay: BYZANTINE_DELAY });
        const agent = byName.get(name);
        if (behaviour === "always-wrong" && agent !== undefined) {
          at(f.at_s, () => {
            agent.alwaysWrong = true;
          });
          if (until <= horizon) at(until, () => (agent.alwaysWrong = false));
        }
      }
    } else if (f.straggler) {
      const slowdown = f.slowdown;
      if (slowdown === undefined) return;
      const targets = f.straggler
        .map((n) => byName.get(n))
        .filter((a): a is MockLLM => a !== undefined);
      at(f.at_s, () => {
        for (const a of targets) a.setSlowdown(slowdown);
      });
      if (until <= horizon) at(until, () => targets.forEach((a) => a.setSlowdown(null)));
    } else if (f.rate_limit) {
      const limiter = new RateLimiter(f.rate_limit.requests_per_minute, f.rate_limit.burst ?? 1);
      at(f.at_s, () => agents.forEach((a) => a.setRateLimiter(limiter)));
      if (until <= horizon) at(until, () => agents.forEach((a) => a.setRateLimiter(null)));
    }
  });
}
