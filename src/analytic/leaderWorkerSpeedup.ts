import { z } from "zod";
import type { Law } from "./Law.js";

const params = z.strictObject({
  /** Subtasks m of the work graph. */
  subtasks: z.number().int().min(1).default(20),
  /** Parallel fraction p: a chain of c = max(1, round((1 - p) m)) subtasks, the rest independent. */
  parallel_fraction: z.number().min(0).max(1).default(0.5),
});

/** Length of the dependency chain of the workgraph task: max(1, round((1 - p) m)), at most m. */
export function chainLength(m: number, p: number): number {
  return Math.min(m, Math.max(1, Math.round((1 - p) * m)));
}

/**
 * Speedup of leader-worker (agent-0 leads, w = n - 1 workers; n = 1: the leader
 * works alone, speedup 1) with no coordination overhead (no planning,
 * integration, review or network delay) on the workgraph task: a chain of c
 * subtasks plus m - c independent ones, every subtask of equal work (one time
 * unit). Dynamic list scheduling in topological order puts the chain first:
 * each time unit one worker does the next chain subtask and the w - 1 others
 * take independent ones, until the independents run out; so
 * T = max(c, ceil(m / w)) (when m > c w: c + ceil((m - c w) / w) = ceil(m / w))
 * and the speedup is m / T. Exact for equal deterministic work; with random
 * call times it is an approximation (the simulated mean is lower: waiting for
 * the slowest of a step). It never exceeds the work-span upper bound
 * min(w, m / c) and never falls below the greedy lower bound m / (m / w + c).
 */
export const leaderWorkerSpeedup: Law<typeof params> = {
  name: "leader-worker-speedup",
  family: "team",
  summary:
    "speedup of a leader with n-1 workers on the chain-plus-independent work graph, no overhead",
  formula: "S(n) = m / max(c, ceil(m / (n - 1))), c = max(1, round((1 - p) m)); S(1) = 1",
  source:
    "List scheduling: R. L. Graham, 'Bounds on multiprocessing timing anomalies', SIAM J. Appl. Math. 17(2), 1969; bounds: R. P. Brent, JACM 21(2), 1974",
  params,
  value: (n, { subtasks: m, parallel_fraction: p }) => {
    if (n < 2) return 1;
    const c = chainLength(m, p);
    return m / Math.max(c, Math.ceil(m / (n - 1)));
  },
  exactness: "closed form",
};
