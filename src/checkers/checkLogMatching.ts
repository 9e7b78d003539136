import type { History } from "./History.js";
import type { Verdict } from "./Verdict.js";

/**
 * Log matching / state-machine safety (Raft, Ongaro & Ousterhout 2014, Fig. 3):
 * no two correct nodes commit different entries at the same index, and no node
 * commits two different entries at one index.
 */
export function checkLogMatching(history: History): Verdict {
  const atIndex = new Map<number, { node: string; term: number; value: string }>();
  for (const [node, log] of [...history.logs.entries()].sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  )) {
    for (const e of log) {
      if (history.byzantineAt(node, e.t)) continue;
      const prev = atIndex.get(e.index);
      if (prev === undefined) {
        atIndex.set(e.index, { node, term: e.term, value: e.value });
      } else if (prev.term !== e.term || prev.value !== e.value) {
        return {
          check: "log_matching",
          ok: false,
          detail: `index ${e.index}: ${prev.node} committed ${prev.value} (term ${prev.term}), ${node} committed ${e.value} (term ${e.term})`,
        };
      }
    }
  }
  return { check: "log_matching", ok: true };
}
