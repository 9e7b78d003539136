import type { History } from "./History.js";
import type { Verdict } from "./Verdict.js";

/** Validity: every answer a correct node decided (other than "no answer", -1) was proposed by some agent. */
export function checkValidity(history: History): Verdict {
  for (const d of history.decisions) {
    if (d.answer === -1 || history.byzantineAt(d.node, d.t)) continue;
    const proposed = history.proposals[d.item];
    if (proposed === undefined || !proposed.includes(d.answer)) {
      return {
        check: "validity",
        ok: false,
        detail: `item ${d.item}: ${d.node} decided ${d.answer}, which nobody proposed`,
      };
    }
  }
  return { check: "validity", ok: true };
}
