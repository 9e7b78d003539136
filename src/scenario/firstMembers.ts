/**
 * The first k members of a team as written in a scenario document: the
 * `{model, count}` shorthand with count k, or the list of groups cut after k
 * members (the last group kept shortened). For sweeps of team size over teams
 * of several models (compare, check).
 */
export function firstMembers(agents: unknown, k: number): unknown {
  if (!Array.isArray(agents)) return { ...((agents ?? {}) as object), count: k };
  const out: Record<string, unknown>[] = [];
  let left = k;
  for (const g of agents as Record<string, unknown>[]) {
    if (left <= 0) break;
    const count = Math.min(left, Number(g.count ?? 1));
    out.push({ ...g, count });
    left -= count;
  }
  return out;
}
