/** What the Pareto front of a team search compares: higher accuracy, lower cost and makespan. */
export interface Objectives {
  accuracy: number;
  cost_usd: number;
  makespan_s: number;
  pareto: boolean;
}

/**
 * Sets `pareto` on each point: true when no other point is at least as
 * accurate, as cheap and as fast, and strictly better in one of the three
 * (O(n²): a search has at most a few thousand candidates).
 */
export function markParetoFront(points: readonly Objectives[]): void {
  const dominates = (a: Objectives, b: Objectives) =>
    a.accuracy >= b.accuracy &&
    a.cost_usd <= b.cost_usd &&
    a.makespan_s <= b.makespan_s &&
    (a.accuracy > b.accuracy || a.cost_usd < b.cost_usd || a.makespan_s < b.makespan_s);
  for (const p of points) p.pareto = !points.some((o) => dominates(o, p));
}
