import type { ByzantineBehaviour } from "./ByzantineBehaviour.js";
import type { Fault } from "./FaultSchema.js";

/** A time window `[from, until)` in which an agent is Byzantine with `behaviour`. */
export interface ByzantineWindow {
  behaviour: ByzantineBehaviour;
  from: number;
  until: number;
}

/**
 * The Byzantine windows a fault plan declares, by agent, in plan order (where
 * windows of one agent overlap, the later entry's behaviour wins).
 */
export function byzantineAgents(faults: readonly Fault[]): Map<string, ByzantineWindow[]> {
  const out = new Map<string, ByzantineWindow[]>();
  for (const f of faults) {
    if (f.byzantine === undefined) continue;
    const w = {
      behaviour: f.behaviour ?? "always-wrong",
      from: f.at_s,
      until: f.until_s ?? Number.POSITIVE_INFINITY,
    };
    for (const a of f.byzantine) {
      const list = out.get(a);
      if (list === undefined) out.set(a, [w]);
      else list.push(w);
    }
  }
  return out;
}

/** The behaviour of an agent with `windows` at time `t` (null: correct then). */
export function behaviourAt(
  windows: readonly ByzantineWindow[] | undefined,
  t: number,
): ByzantineBehaviour | null {
  if (windows === undefined) return null;
  let out: ByzantineBehaviour | null = null;
  for (const w of windows) if (t >= w.from && t < w.until) out = w.behaviour;
  return out;
}
