import type { History } from "./History.js";
import type { Verdict } from "./Verdict.js";

/** Agreement: no two decisions on the same item differ (whoever made them). */
export function checkAgreement(history: History): Verdict {
  const first = new Map<number, { node: string; answer: number }>();
  for (const d of history.decisions) {
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
