import type { CallRequest, CallResult } from "../agents/MockLLM.js";
import type { WorkGraph } from "../tasks/WorkGraph.js";
import type { Messages, Node } from "./Node.js";

/** A piece of a node's work on its desk; it calls `release` when its calls are over. */
export type DeskJob = (release: () => void) => void;

/**
 * One node's LLM calls, one at a time: a leader works through a single
 * conversation, so its planning, reviews, integration (and own subtasks) queue
 * up. Volatile: a crash leaves it busy with a call that never returns, so the
 * recovered node starts again with `reset`.
 */
export class Desk {
  private queue: DeskJob[] = [];
  private busy = false;

  constructor(private readonly node: Node<Messages>) {}

  /** Runs `job` when the node is free. */
  run(job: DeskJob): void {
    this.queue.push(job);
    this.pump();
  }

  /**
   * One call of the node, tried again while the API keeps failing; a result that
   * is not ok could not be made (e.g. context overflow): the caller goes on without it.
   */
  call(request: CallRequest, then: (r: CallResult) => void = () => {}): void {
    this.run((release) => {
      const go = () =>
        this.node.call(request, (r) => {
          if (r.error === "retries_exhausted") {
            go();
            return;
          }
          release();
          then(r);
        });
      go();
    });
  }

  /**
   * A leader's planning call over `chunk` of a work graph (its input: the task
   * description, as large as a subtask prompt on average), then `then`; at once
   * when it outputs nothing.
   */
  plan(
    graph: WorkGraph,
    chunk: readonly number[],
    tokensPerSubtask: number,
    then: () => void,
  ): void {
    const outputTokens = tokensPerSubtask * chunk.length;
    if (outputTokens === 0) return then();
    let sum = 0;
    for (const s of chunk) sum += graph.subtasks[s].promptTokens;
    const inputTokens = Math.max(1, Math.round(sum / Math.max(1, chunk.length)));
    this.call({ inputTokens, outputTokens, label: "plan" }, () => then());
  }

  /**
   * A leader's final integration call over the accepted results (0 tokens: none).
   * It follows the last decision, so it adds cost and time before quiescence but
   * not makespan (the time of the last decision).
   */
  integrate(resultTokens: number, outputTokens: number): void {
    if (outputTokens > 0)
      this.call({ inputTokens: Math.max(1, resultTokens), outputTokens, label: "integrate" });
  }

  /** Forgets every queued job (the node crashed: they died with it). */
  reset(): void {
    this.queue = [];
    this.busy = false;
  }

  private pump(): void {
    if (this.busy) return;
    const job = this.queue.shift();
    if (job === undefined) return;
    this.busy = true;
    let released = false;
    job(() => {
      if (released) return;
      released = true;
      this.busy = false;
      this.pump();
    });
  }
}
