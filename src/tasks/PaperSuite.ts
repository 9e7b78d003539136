import { topologicalOrder } from "./topologicalOrder.js";

/**
 * One of the paper's task suites at one parallelizable fraction p (Mieczkowski
 * et al. 2026, tasks.json): subtasks in a fixed order, each writing its files
 * after the subtasks it depends on.
 */
export interface PaperSuite {
  suite: string;
  p: number;
  names: readonly string[];
  /** deps[k]: indices of the subtasks subtask k depends on. */
  deps: readonly (readonly number[])[];
  files: readonly (readonly string[])[];
}

/** The subtasks of a suite in topological order, lowest index first among the ready ones. */
export function paperOrder(suite: PaperSuite): number[] {
  return topologicalOrder(suite.deps);
}

/** Number of subtasks on the longest dependency path. */
export function criticalPathLength(suite: PaperSuite): number {
  const length = new Array<number>(suite.deps.length).fill(0);
  for (const k of paperOrder(suite)) {
    length[k] = 1 + Math.max(0, ...suite.deps[k].map((d) => length[d]));
  }
  return Math.max(...length);
}

/**
 * The paper's preassigned mode: subtasks handed out in topological order,
 * round-robin over the n agents, except that a subtask with dependencies goes
 * to the agent of its first dependency, so a dependency chain stays on one
 * agent. Returns the agent of each subtask.
 */
export function preassign(suite: PaperSuite, n: number): number[] {
  const owner = new Array<number>(suite.deps.length).fill(-1);
  let next = 0;
  for (const k of paperOrder(suite)) {
    const ds = suite.deps[k];
    if (ds.length > 0) owner[k] = owner[ds[0]];
    else {
      owner[k] = next;
      next = (next + 1) % n;
    }
  }
  return owner;
}
