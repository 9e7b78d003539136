/**
 * One agent's push-sum state for one item (Kempe, Dobra and Gehrke, FOCS 2003,
 * "Gossip-based computation of aggregate information"): a sum vector over the
 * answer choices and a weight. It starts at (its vote as a one-hot vector, 1), or
 * (0, 1) if its call failed; every round it keeps half and pushes half to a random
 * peer, which adds what it receives. Mass (the sums and the weights over all
 * agents and messages in flight) is conserved, so each agent's ratio sum / weight
 * converges to the average vote vector: the share of the team that chose each
 * answer. State and messages are O(choices), whatever the team size.
 */
export class PushSum {
  /** Sum of the vote vectors this agent holds, one entry per choice. */
  readonly sum: Float64Array;
  weight = 1;
  /** Whether it received mass since `settle` last ran (a round without news proves nothing). */
  received = false;
  /** The estimate when `settle` last ran (its change decides whether a round was quiet). */
  private readonly last: Float64Array;

  constructor(choices: number, vote: number) {
    this.sum = new Float64Array(choices);
    if (vote >= 0 && vote < choices) this.sum[vote] = 1;
    this.last = this.estimate();
  }

  /** Halves the state and returns the other half, to push to a peer. */
  split(): { sum: number[]; weight: number } {
    // Halving is exact in binary floating point (down to subnormals): no mass is made or lost.
    // A plain array: millions of small typed arrays cost more to allocate and collect.
    const half: number[] = [];
    for (let c = 0; c < this.sum.length; c++) {
      this.sum[c] /= 2;
      half.push(this.sum[c]);
    }
    this.weight /= 2;
    return { sum: half, weight: this.weight };
  }

  /** Adds mass received from a peer. */
  absorb(sum: ArrayLike<number>, weight: number): void {
    for (let c = 0; c < this.sum.length; c++) this.sum[c] += sum[c] ?? 0;
    this.weight += weight;
    this.received = true;
  }

  /** The estimated share of each answer (sum / weight; zeros while the weight is 0). */
  estimate(): Float64Array {
    const e = new Float64Array(this.sum.length);
    if (this.weight > 0) for (let c = 0; c < e.length; c++) e[c] = this.sum[c] / this.weight;
    return e;
  }

  /**
   * Ends a round: the largest change of any share since the last call, or null if
   * no mass arrived in between (then the estimate cannot have changed, and its
   * stillness says nothing about convergence).
   */
  settle(): number | null {
    const got = this.received;
    this.received = false;
    if (!got) return null;
    let moved = 0;
    for (let c = 0; c < this.sum.length; c++) {
      const e = this.weight > 0 ? this.sum[c] / this.weight : 0;
      moved = Math.max(moved, Math.abs(e - this.last[c]));
      this.last[c] = e;
    }
    return moved;
  }

  /** The answer with the largest sum; ties go to tied[floor(coin * |tied|)] in index order; -1 if it holds no votes. */
  argmax(coin: number): number {
    let top = 0;
    for (const s of this.sum) top = Math.max(top, s);
    if (top <= 0) return -1;
    const tied: number[] = [];
    for (let c = 0; c < this.sum.length; c++) if (this.sum[c] === top) tied.push(c);
    return tied[Math.floor(coin * tied.length)];
  }
}
