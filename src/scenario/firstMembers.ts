/**
 * A team of k members written as in the scenario document: the `{model,
 * count}` shorthand with count k, or the list of groups cut after k members
 * (the last group kept shortened) or, for a larger team, with its last group
 * grown. For varying the size of a team of several models (compare, check,
 * recommend).
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
  if (left > 0 && out.length > 0) {
    const last = out[out.length - 1];
    last.count = Number(last.count) + left;
  }
  return out;
}
