import type { History } from "./History.js";
import type { Verdict } from "./Verdict.js";

/**
 * When eventual decision is owed, as the world saw the run: null `notApplicable`
 * means the preconditions held (every fault healed by `healedAt`, enough correct
 * members up and connected after it); otherwise it says why nothing is owed.
 */
export interface LivenessContext {
  /** Why liveness is not owed in this run (null: it is). */
  notApplicable: string | null;
  /** When the last fault healed (the last crash, recovery, heal or window end). */
  healedAt: number;
  /** Seconds after `healedAt` within which every owed decision must be made. */
  boundS: number;
  /** When the run ended, and whether it went quiescent (nothing more could ever happen). */
  end: number;
  quiescent: boolean;
  items: number;
  /** The nodes that owe a decision on every item: correct and up at the end. */
  mustDecide: readonly string[];
}

/**
 * Eventual decision (the liveness half of consensus, e.g. Raft §5 and PBFT §4.4
 * under partial synchrony): once every fault has healed and a quorum of correct
 * nodes is up and connected, every correct node that is up decides every item
 * within `boundS` of the heal. A run that went quiescent with an owed decision
 * missing has stalled for good; one that reached its horizon before the bound
 * ran out is inconclusive (not a violation).
 */
export function checkLiveness(history: History, ctx: LivenessContext): Verdict {
  const check = "liveness";
  if (ctx.notApplicable !== null)
    return { check, ok: true, detail: `n/a: ${ctx.notApplicable}`, note: "n/a" };
  const deadline = ctx.healedAt + ctx.boundS;
  const decidedAt = new Map<string, Map<number, number>>();
  for (const d of history.decisions) {
    let m = decidedAt.get(d.node);
    if (m === undefined) decidedAt.set(d.node, (m = new Map()));
    if (!m.has(d.item)) m.set(d.item, d.t);
  }
  for (const node of ctx.mustDecide) {
    const m = decidedAt.get(node);
    for (let item = 0; item < ctx.items; item++) {
      const t = m?.get(item);
      if (t !== undefined && t <= deadline) continue;
      if (t !== undefined) {
        const late = `${node} decided item ${item} at ${t.toFixed(1)} s, after the bound (healed at ${ctx.healedAt.toFixed(1)} s + ${ctx.boundS.toFixed(0)} s)`;
        return { check, ok: false, detail: late };
      }
      if (ctx.quiescent) {
        const stall = `${node} never decided item ${item}: the run went quiescent at ${ctx.end.toFixed(1)} s (stalled)`;
        return { check, ok: false, detail: stall };
      }
      if (ctx.end >= deadline) {
        const missed = `${node} had not decided item ${item} by ${deadline.toFixed(1)} s (healed at ${ctx.healedAt.toFixed(1)} s + ${ctx.boundS.toFixed(0)} s)`;
        return { check, ok: false, detail: missed };
      }
      const early = `inconclusive: the run ended at ${ctx.end.toFixed(1)} s, before the bound ran out (${deadline.toFixed(1)} s)`;
      return { check, ok: true, detail: early, note: "inconclusive" };
    }
  }
  return { check, ok: true };
}

/**
 * decided_all, beside `decided` (items decided by anyone): the fraction of items
 * decided by every one of `deciders` (0 if there are none), or, where deciders is
 * null (one node decides each item: a coordinator, a leader, the agent that
 * claimed it), by some node that was correct when it decided.
 */
export function decidedByAll(
  history: History,
  deciders: readonly string[] | null,
  items: number,
): number {
  if (items === 0) return 0;
  if (deciders === null) {
    const decided = new Set<number>();
    for (const d of history.decisions) if (!history.byzantineAt(d.node, d.t)) decided.add(d.item);
    return decided.size / items;
  }
  if (deciders.length === 0) return 0;
  const want = new Set(deciders);
  const by = new Map<number, Set<string>>();
  for (const d of history.decisions) {
    if (!want.has(d.node)) continue;
    let s = by.get(d.item);
    if (s === undefined) by.set(d.item, (s = new Set()));
    s.add(d.node);
  }
  let all = 0;
  for (const s of by.values()) if (s.size === want.size) all++;
  return all / items;
}
