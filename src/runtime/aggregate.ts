import type { RandomStream } from "../core/Rng.js";

/**
 * How votes become a team answer. majority: the answer with more than half of
 * the votes cast, else none (-1); plurality: the most voted answer, ties broken
 * uniformly at random; weighted: the voted answer with the largest summed weight
 * (log-odds of the voters' confidences), ties broken uniformly at random.
 */
export type Aggregation = "majority" | "plurality" | "weighted";

/** The answer with more than half of the votes cast, or -1 if there is none. */
export function majority(tally: readonly number[]): number {
  let votes = 0;
  for (const c of tally) votes += c;
  for (let a = 0; a < tally.length; a++) if (2 * tally[a] > votes) return a;
  return -1;
}

/**
 * The answer with the highest score among those somebody voted for (-1 if
 * nobody voted), ties broken by `tiebreak`. It always draws, so the stream
 * advances the same way whether or not there is a tie.
 */
export function best(
  score: readonly number[],
  tally: readonly number[],
  tiebreak: RandomStream,
): number {
  let top = Number.NEGATIVE_INFINITY;
  for (let a = 0; a < score.length; a++) if (tally[a] > 0 && score[a] > top) top = score[a];
  if (top === Number.NEGATIVE_INFINITY) return -1;
  const tied: number[] = [];
  for (let a = 0; a < score.length; a++) if (tally[a] > 0 && score[a] === top) tied.push(a);
  return tied[tiebreak.int(tied.length)];
}

/** Combines an item's votes (`tally` counts, `weights` summed log-odds) by `how`. */
export function aggregate(
  how: Aggregation,
  tally: readonly number[],
  weights: readonly number[],
  tiebreak: RandomStream,
): number {
  if (how === "majority") return majority(tally);
  return best(how === "weighted" ? weights : tally, tally, tiebreak);
}

/**
 * Whether `outstanding` more votes (any answers; weights of at most `maxWeight`
 * each) can no longer change the outcome of `aggregate(how, tally, weights)`.
 */
export function settled(
  how: Aggregation,
  tally: readonly number[],
  weights: readonly number[],
  outstanding: number,
  maxWeight: number,
): boolean {
  if (how === "majority") {
    let votes = 0;
    for (const c of tally) votes += c;
    // Some answer keeps its majority even if every outstanding vote goes elsewhere...
    for (const c of tally) if (2 * c > votes + outstanding) return true;
    // ...or no answer can reach one even if every outstanding vote goes to it.
    for (const c of tally) if (2 * c + outstanding > votes) return false;
    return true;
  }
  if (how === "plurality") return lead(tally, tally) > outstanding;
  // One vote moves the gap between two answers by at most maxWeight.
  return lead(weights, tally) > outstanding * maxWeight;
}

// How far the leading voted answer is ahead of every other answer (an answer
// nobody voted for yet counts as 0: its first vote would start it there).
function lead(score: readonly number[], tally: readonly number[]): number {
  let leader = -1;
  for (let a = 0; a < score.length; a++)
    if (tally[a] > 0 && (leader < 0 || score[a] > score[leader])) leader = a;
  if (leader < 0) return Number.NEGATIVE_INFINITY;
  let rival = Number.NEGATIVE_INFINITY;
  for (let a = 0; a < score.length; a++)
    if (a !== leader) rival = Math.max(rival, tally[a] > 0 ? score[a] : 0);
  return score[leader] - rival;
}
