/** The fields of a fault (validated or as written) that say when it heals. */
export interface HealFields {
  at_s?: number;
  until_s?: number;
  heal_at_s?: number;
  heal?: true;
  partition?: unknown;
  delay?: unknown;
  loss?: number;
  duplicate?: number;
  crash_rate?: unknown;
}

/**
 * When the last fault of a plan has healed: the latest crash or recovery, the
 * end of every window (delay, loss, duplicate, straggler, rate limit, Byzantine)
 * and every partition's heal; null if some fault never heals (a partition with no
 * heal after it, an open-ended network window, random crashes). A crash with no
 * recovery heals at once in this sense: the node is simply down from then on, and
 * an open-ended Byzantine window makes the node faulty for good, not the network.
 * Where a fault reaches past the horizon, it is cut at the horizon.
 */
export function healTime(faults: readonly HealFields[]): number | null {
  let t = 0;
  const lastHeal = Math.max(
    0,
    ...faults.filter((f) => f.heal !== undefined).map((f) => f.at_s ?? 0),
  );
  for (const f of faults) {
    const at = f.at_s ?? 0;
    if (f.crash_rate !== undefined) return null;
    if (f.partition !== undefined) {
      const heal = f.heal_at_s ?? (lastHeal >= at ? lastHeal : null);
      if (heal === null) return null;
      t = Math.max(t, heal);
    } else if (f.delay !== undefined || f.loss !== undefined || f.duplicate !== undefined) {
      if (f.until_s === undefined) return null;
      t = Math.max(t, f.until_s);
    } else {
      t = Math.max(t, f.until_s ?? at);
    }
  }
  return t;
}
