import type { Desk, DeskJob } from "./Desk.js";
import { doSubtask } from "./doSubtask.js";
import type { Node } from "./Node.js";
import { once } from "./once.js";
import type { Runtime } from "./Runtime.js";
import { CONTROL_TOKENS, insertInOrder, type WorkMessages } from "./WorkDispatcher.js";

/**
 * A worker: keeps the subtasks its leader gave it in topological order, does the
 * first one the leader has cleared, one at a time (behind its desk's calls when
 * it is a leader too), and reports each result to its leader. Its queue is
 * volatile: a recovered worker starts empty (`reset`) and takes new subtasks.
 */
export class Worker {
  private todo: number[] = [];
  private readonly cleared = new Set<number>();
  private busy = false;

  constructor(
    private readonly rt: Runtime,
    private readonly node: Node<WorkMessages>,
    private readonly leader: Node<WorkMessages>,
    private readonly desk?: Desk,
  ) {
    node.on(
      "assign",
      once(({ subtask, cleared }) => {
        if (!this.todo.includes(subtask)) insertInOrder(this.todo, subtask, rt.workGraph);
        if (cleared) this.cleared.add(subtask);
        this.next();
      }),
    );
    node.on(
      "go",
      once(({ subtask }) => {
        this.cleared.add(subtask);
        this.next();
      }),
    );
  }

  /** Forgets its queue (it crashed). */
  reset(): void {
    this.todo = [];
    this.cleared.clear();
    this.busy = false;
  }

  private next(): void {
    if (this.busy) return;
    const k = this.todo.findIndex((s) => this.cleared.has(s));
    if (k < 0) return;
    const [s] = this.todo.splice(k, 1);
    this.cleared.delete(s);
    this.busy = true;
    const job: DeskJob = (release) =>
      doSubtask(
        this.rt,
        this.node,
        this.rt.workGraph.subtasks[s],
        (o) => {
          release();
          this.busy = false;
          if (!o.ok) return;
          const result = { subtask: s, correct: o.correct, tokens: o.outputTokens };
          this.node.sendReliably(this.leader, "result", result, o.outputTokens);
          this.next();
        },
        { extraInputTokens: CONTROL_TOKENS },
      );
    if (this.desk !== undefined) this.desk.run(job);
    else job(() => {});
  }
}
