/** A decision: `node` settled `item` on `answer` (-1: settled with no answer) at time `t`. */
export interface Decision {
  item: number;
  node: string;
  answer: number;
  t: number;
}

/**
 * What checkers need to judge a run: every answer proposed per item and every
 * decision. Protocols write it; checkers only read it.
 */
export class History {
  /** proposals[item] = answers proposed by agents (in arrival order). */
  readonly proposals: number[][] = [];
  readonly decisions: Decision[] = [];

  /** Records that an agent proposed `answer` for `item`. */
  propose(item: number, answer: number): void {
    let list = this.proposals[item];
    if (list === undefined) {
      list = [];
      this.proposals[item] = list;
    }
    list.push(answer);
  }

  /** Records a decision. */
  decide(item: number, node: string, answer: number, t: number): void {
    this.decisions.push({ item, node, answer, t });
  }
}
