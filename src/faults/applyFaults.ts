import type { MockLLM } from "../agents/MockLLM.js";
import type { Simulation } from "../core/Simulation.js";
import type { Network } from "../net/Network.js";
import type { Fault } from "./FaultSchema.js";

/** Schedules a scenario's fault plan (the "nemesis") on the simulation clock. */
export function applyFaults(
  faults: readonly Fault[],
  sim: Simulation,
  net: Network,
  agents: readonly MockLLM[],
): void {
  const byName = new Map(agents.map((a) => [a.id, a]));
  // A crashed agent stops calling its model and its node stops sending and receiving.
  const setUp = (names: readonly string[], up: boolean) => () => {
    for (const n of names) {
      const agent = byName.get(n);
      if (up) agent?.recover();
      else agent?.crash();
      net.setUp(n, up);
    }
  };
  for (const f of faults) {
    if (f.crash) {
      sim.scheduleAt(f.at_s, setUp(f.crash, false));
    } else if (f.recover) {
      sim.scheduleAt(f.at_s, setUp(f.recover, true));
    } else if (f.partition) {
      const groups = f.partition;
      sim.scheduleAt(f.at_s, () => net.partition(groups));
      if (f.heal_at_s !== undefined) sim.scheduleAt(f.heal_at_s, () => net.heal());
    } else if (f.heal) {
      sim.scheduleAt(f.at_s, () => net.heal());
    }
  }
}
