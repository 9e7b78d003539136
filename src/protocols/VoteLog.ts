/** An entry of a VoteLog for an agent whose call failed (it abstains). */
export const ABSTAIN = -1;
/** An entry of a VoteLog for an agent whose vote is not known yet. */
export const UNKNOWN = -2;

/**
 * What one agent knows of the votes on one item, in exact gossip: votes[j] is
 * agent j's answer (ABSTAIN, or UNKNOWN), and `order` lists the agents whose
 * votes are known, in the order they were learned. An entry never changes once
 * known (the first value heard stays), so a prefix of `order` is a snapshot of
 * what the agent knew earlier: a message carries the log and a length instead of
 * a copy of n votes, and merging it costs what it carries, not n. Memory: n bytes
 * of votes (fewer than 127 choices) and 2 bytes of order (n up to 65,536) per
 * agent and item, instead of n objects or n 8-byte numbers.
 */
export class VoteLog {
  readonly votes: Int8Array | Int16Array | Int32Array;
  readonly order: Uint16Array | Int32Array;
  /** Votes known (the length of `order` in use). */
  count = 0;

  constructor(n: number, choices: number) {
    this.votes =
      choices < 127 ? new Int8Array(n) : choices < 32767 ? new Int16Array(n) : new Int32Array(n);
    this.votes.fill(UNKNOWN);
    this.order = n <= 65536 ? new Uint16Array(n) : new Int32Array(n);
  }

  /** Records agent j's vote if it is not known yet; whether it was new. */
  learn(j: number, vote: number): boolean {
    if (this.votes[j] !== UNKNOWN) return false;
    this.votes[j] = vote;
    this.order[this.count++] = j;
    return true;
  }

  /**
   * Merges the first `count` votes `from` knew (a snapshot it sent), reading agent
   * `liar`'s entry as `lie` (an equivocator's forged vote; liar -1: none). Returns
   * whether both sides knew the same agents' votes before the merge.
   */
  merge(from: VoteLog, count: number, liar = -1, lie = 0): boolean {
    const before = this.count;
    // Knowing everyone, nothing can be new: the merge is a comparison of sizes.
    if (before < this.votes.length)
      for (let i = 0; i < count; i++) {
        const j = from.order[i];
        if (this.votes[j] === UNKNOWN) this.learn(j, j === liar ? lie : from.votes[j]);
      }
    // Nothing new means the snapshot was a subset; equal sizes make it the same set.
    return this.count === before && count === before;
  }

  /** Whether agent j's vote is known. */
  knows(j: number): boolean {
    return this.votes[j] !== UNKNOWN;
  }
}
