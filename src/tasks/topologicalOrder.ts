import { Heap } from "heap-js";

/**
 * A topological order of a DAG given each node's dependencies (Kahn's
 * algorithm), lowest index first among the ready nodes: a stable, readable
 * order. The ready nodes are kept in a min-heap, O((V + E) log V): a fork-join
 * of width 100,000 has that many ready at once, and sorting them at every
 * step was quadratic (minutes).
 */
export function topologicalOrder(deps: readonly (readonly number[])[]): number[] {
  const indegree = deps.map((d) => d.length);
  const dependents: number[][] = deps.map(() => []);
  deps.forEach((ds, k) => {
    for (const d of ds) dependents[d].push(k);
  });
  const ready = new Heap<number>((a, b) => a - b);
  ready.init(indegree.flatMap((d, i) => (d === 0 ? [i] : [])));
  const order: number[] = [];
  while (ready.length > 0) {
    const i = ready.pop() as number;
    order.push(i);
    for (const k of dependents[i]) if (--indegree[k] === 0) ready.push(k);
  }
  return order;
}
