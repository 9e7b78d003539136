import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { topologicalOrder } from "../../src/tasks/topologicalOrder.js";

// Kahn's algorithm as it was before the heap: re-sort the ready list at every
// step. Obviously right and quadratic; the heap must give the same order.
function reference(deps: readonly (readonly number[])[]): number[] {
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

// A random DAG: node k depends on some nodes of a random permutation's earlier positions.
const dag = fc
  .integer({ min: 1, max: 40 })
  .chain((n) =>
    fc.tuple(
      fc.shuffledSubarray(
        Array.from({ length: n }, (_, i) => i),
        { minLength: n, maxLength: n },
      ),
      fc.array(fc.array(fc.nat(), { maxLength: 4 }), { minLength: n, maxLength: n }),
    ),
  )
  .map(([perm, picks]) => {
    const deps: number[][] = perm.map(() => []);
    perm.forEach((node, pos) => {
      if (pos === 0) return;
      for (const p of picks[pos]) {
        const d = perm[p % pos];
        if (!deps[node].includes(d)) deps[node].push(d);
      }
    });
    return deps;
  });

describe("topologicalOrder", () => {
  it("matches the sort-every-step reference: lowest ready index first", () => {
    fc.assert(
      fc.property(dag, (deps) => {
        expect(topologicalOrder(deps)).toEqual(reference(deps));
      }),
      {
        seed: 13,
        numRuns: 300,
      },
    );
  });

  it("puts every node after its dependencies", () => {
    fc.assert(
      fc.property(dag, (deps) => {
        const order = topologicalOrder(deps);
        expect([...order].sort((a, b) => a - b)).toEqual(deps.map((_, i) => i));
        const at = new Map(order.map((v, i) => [v, i]));
        deps.forEach((ds, k) => {
          for (const d of ds) expect(at.get(d)).toBeLessThan(at.get(k) as number);
        });
      }),
      { seed: 14, numRuns: 300 },
    );
  });

  it("orders a fork-join of width 200,000 (quadratic before the heap: minutes)", () => {
    const width = 200_000;
    const deps: number[][] = [[]];
    for (let i = 1; i <= width; i++) deps.push([0]);
    deps.push(Array.from({ length: width }, (_, i) => i + 1));
    const order = topologicalOrder(deps);
    expect(order.length).toBe(width + 2);
    expect(order[0]).toBe(0);
    expect(order[1]).toBe(1);
    expect(order[width + 1]).toBe(width + 1);
  });

  it("leaves the nodes of a cycle out", () => {
    expect(topologicalOrder([[1], [0], []])).toEqual([2]);
  });
});
