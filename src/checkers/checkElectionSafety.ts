import type { History } from "./History.js";
import type { Verdict } from "./Verdict.js";

/** Election safety (Raft, Ongaro & Ousterhout 2014, Fig. 3): at most one leader per term. */
export function checkElectionSafety(history: History): Verdict {
  const leaderOf = new Map<number, string>();
  for (const e of history.elections) {
    const prev = leaderOf.get(e.term);
    if (prev !== undefined && prev !== e.node) {
      return {
        check: "election_safety",
        ok: false,
        detail: `term ${e.term}: ${prev} and ${e.node} were both leader`,
      };
    }
    leaderOf.set(e.term, e.node);
  }
  return { check: "election_safety", ok: true };
}
