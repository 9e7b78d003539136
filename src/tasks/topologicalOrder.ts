/**
 * A topological order of a DAG given each node's dependencies (Kahn's
 * algorithm), lowest index first among the ready nodes: a stable, readable order.
 */
export function topologicalOrder(deps: readonly (readonly number[])[]): number[] {
  const indegree = deps.map((d) => d.length);
  const dependents: number[][] = deps.map(() => []);
  deps.forEach((ds, k) => {
    for (const d of ds) dependents[d].push(k);
  });
  const ready = indegree.flatMap((d, i) => (d === 0 ? [i] : []));
  const order: number[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => b - a);
    const i = ready.pop() as number;
    order.push(i);
    for (const k of dependents[i]) if (--indegree[k] === 0) ready.push(k);
  }
  return order;
}
