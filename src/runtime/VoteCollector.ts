import type { RandomStream } from "../core/Rng.js";
import { type Aggregation, aggregate, settled } from "./aggregate.js";

/**
 * A coordinator's ballot box: for every item, who has voted, the tally of
 * answers and their summed weights, and whether the item is decided. A voter
 * counts once per item; a vote of -1 ("I could not answer") counts as a
 * response without an answer.
 */
export class VoteCollector {
  private readonly responded: Uint8Array[] = [];
  private readonly tallies: number[][] = [];
  private readonly weights: number[][] = [];
  private readonly decided: Uint8Array;
  /** Votes in per item, kept as they come: counting them on every vote was O(n) a vote. */
  private readonly counts: Int32Array;
  private open: number;

  constructor(
    /** Number of voters (indices 0..voters-1). */
    readonly voters: number,
    choices: readonly number[],
    private readonly how: Aggregation,
    private readonly tiebreak: RandomStream,
  ) {
    for (const c of choices) {
      this.responded.push(new Uint8Array(voters));
      this.tallies.push(new Array(c).fill(0));
      this.weights.push(new Array(c).fill(0));
    }
    this.decided = new Uint8Array(choices.length);
    this.counts = new Int32Array(choices.length);
    this.open = choices.length;
  }

  /** Number of items. */
  get items(): number {
    return this.decided.length;
  }

  /** Whether every item is decided. */
  get done(): boolean {
    return this.open === 0;
  }

  /** Records `voter`'s `answer` on `item`; false if the item is decided or the voter already voted. */
  add(item: number, voter: number, answer: number, weight = 0): boolean {
    if (this.decided[item] || this.responded[item][voter]) return false;
    this.responded[item][voter] = 1;
    this.counts[item]++;
    if (answer >= 0) {
      this.tallies[item][answer]++;
      this.weights[item][answer] += weight;
    }
    return true;
  }

  /** Whether `voter` has voted on `item`. */
  hasVoted(item: number, voter: number): boolean {
    return this.responded[item][voter] === 1;
  }

  /** Whether `item` is decided. */
  isDecided(item: number): boolean {
    return this.decided[item] === 1;
  }

  /** Votes in on `item`. */
  responses(item: number): number {
    return this.counts[item];
  }

  /** The item's tally (a copy, for the trace). */
  tally(item: number): number[] {
    return [...this.tallies[item]];
  }

  /** Whether `outstanding` more votes could no longer change `item`'s outcome. */
  settled(item: number, outstanding: number, maxWeight: number): boolean {
    return settled(this.how, this.tallies[item], this.weights[item], outstanding, maxWeight);
  }

  /** Closes `item` and returns the aggregated answer (-1: none). */
  decide(item: number): number {
    this.decided[item] = 1;
    this.open--;
    return aggregate(this.how, this.tallies[item], this.weights[item], this.tiebreak);
  }
}
