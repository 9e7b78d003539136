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
  for (const f of faults) {
    if (f.crash) {
      const names = f.crash;
      sim.scheduleAt(f.at_s, () => {
        for (const n of names) {
          byName.get(n)?.crash();
          net.setUp(n, false);
        }
      });
    } else if (f.recover) {
      const names = f.recover;
      sim.scheduleAt(f.at_s, () => {
        for (const n of names) {
          byName.get(n)?.recover();
          net.setUp(n, true);
        }
      });
    } else if (f.partition) {
      const groups = f.partition;
      sim.scheduleAt(f.at_s, () => net.partition(groups));
      if (f.heal_at_s !== undefined) sim.scheduleAt(f.heal_at_s, () => net.heal());
    } else if (f.heal) {
      sim.scheduleAt(f.at_s, () => net.heal());
    }
  }
}
