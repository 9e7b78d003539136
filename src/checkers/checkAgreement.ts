import type { History } from "./History.js";
import type { Verdict } from "./Verdict.js";

/** Agreement: no two correct (non-Byzantine) nodes decide the same item differently. */
export function checkAgreement(history: History): Verdict {
  const first = new Map<number, { node: string; answer: number }>();
  for (const d of history.decisions) {
    if (history.byzantineAt(d.node, d.t)) continue;
    const prev = first.get(d.item);
    if (prev === undefined) {
      first.set(d.item, { node: d.node, answer: d.answer });
    } else if (prev.answer !== d.answer) {
      return {
        check: "agreement",
        ok: false,
        detail: `item ${d.item}: ${prev.node} decided ${prev.answer}, ${d.node} decided ${d.answer}`,
      };
    }
  }
  return { check: "agreement", ok: true };
}
