/** A decision: `node` settled `item` on `answer` (-1: settled with no answer) at time `t`. */
export interface Decision {
  item: number;
  node: string;
  answer: number;
  t: number;
}

/** A node became leader of a term (Raft terms, PBFT views). */
export interface Election {
  term: number;
  node: string;
  t: number;
}

/** An entry a node committed (applied) at a log index. */
export interface CommittedEntry {
  index: number;
  term: number;
  /** What the entry decides, e.g. `item:answer`; compared by value across nodes. */
  value: string;
  t: number;
}

/**
 * What checkers need to judge a run: every answer proposed per item, every
 * decision, leaders by term and each node's committed log. Protocols write it;
 * checkers only read it.
 */
export class History {
  /** proposals[item] = answers proposed by agents (in arrival order). */
  readonly proposals: number[][] = [];
  readonly decisions: Decision[] = [];
  readonly elections: Election[] = [];
  /** Committed entries per node, in the order they were committed. */
  readonly logs = new Map<string, CommittedEntry[]>();
  /** opened[item] = when work on the item started (for time to decision). */
  readonly opened: number[] = [];
  /**
   * When nodes are Byzantine, as [from, until) windows: what a node decides or
   * commits inside one is not held to the checks; outside them it is.
   */
  readonly byzantine = new Map<string, [number, number][]>();

  /** Marks `node` Byzantine from `from` until `until` (default: for the whole run). */
  markByzantine(node: string, from = 0, until = Number.POSITIVE_INFINITY): void {
    const list = this.byzantine.get(node);
    if (list === undefined) this.byzantine.set(node, [[from, until]]);
    else list.push([from, until]);
  }

  /** Whether `node` is Byzantine at time `t`. */
  byzantineAt(node: string, t: number): boolean {
    const list = this.byzantine.get(node);
    if (list === undefined) return false;
    for (const [from, until] of list) if (t >= from && t < until) return true;
    return false;
  }

  /** Records that an agent proposed `answer` for `item`. */
  propose(item: number, answer: number): void {
    let list = this.proposals[item];
    if (list === undefined) {
      list = [];
      this.proposals[item] = list;
    }
    list.push(answer);
  }

  /**
   * Items no member can read: their prompt exceeds every member's context
   * window, so every call on them fails (set by the world before the run).
   */
  readonly unreadable = new Set<number>();
  /** What protocols settled unreadable items on: they could only give up, so these are not decisions. */
  readonly abandoned: Decision[] = [];

  /**
   * Records a decision; false when the item is unreadable: whatever a protocol
   * settles such an item on (a failed call's "no answer") is kept apart in
   * `abandoned`, and the item stays undecided for the metrics and checkers.
   */
  decide(item: number, node: string, answer: number, t: number): boolean {
    if (this.unreadable.has(item)) {
      this.abandoned.push({ item, node, answer, t });
      return false;
    }
    this.decisions.push({ item, node, answer, t });
    return true;
  }

  /** Decisions and abandoned items together: where a protocol that settles items in order resumes. */
  get settled(): number {
    return this.decisions.length + this.abandoned.length;
  }

  /** Records that work on `item` started at `t` (first call wins). */
  open(item: number, t: number): void {
    if (this.opened[item] === undefined) this.opened[item] = t;
  }

  /** Records that `node` became leader of `term` at `t`. */
  elect(term: number, node: string, t: number): void {
    this.elections.push({ term, node, t });
  }

  /** Records that `node` committed `value` (written in `term`) at log `index`. */
  commit(node: string, index: number, term: number, value: string, t: number): void {
    let log = this.logs.get(node);
    if (log === undefined) {
      log = [];
      this.logs.set(node, log);
    }
    log.push({ index, term, value, t });
  }
}
