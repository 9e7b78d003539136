import type { ByzantineBehaviour } from "./ByzantineBehaviour.js";
import type { Fault } from "./FaultSchema.js";

/** The Byzantine agents a fault plan declares, with their behaviour (a later entry wins). */
export function byzantineAgents(faults: readonly Fault[]): Map<string, ByzantineBehaviour> {
  const out = new Map<string, ByzantineBehaviour>();
  for (const f of faults) {
    if (f.byzantine !== undefined)
      for (const a of f.byzantine) out.set(a, f.behaviour ?? "always-wrong");
  }
  return out;
}
