import type { CallHandle } from "../agents/MockLLM.js";
import type { Subtask } from "../tasks/WorkGraph.js";
import type { Messages, Node } from "./Node.js";
import { PENDING, type ProcessBody } from "./Process.js";
import type { Runtime } from "./Runtime.js";

/** How a subtask ended for the agent that did it. */
export interface SubtaskOutcome {
  /** false: the prompt does not fit the model's context window; nothing was produced. */
  ok: boolean;
  /** Whether the accepted output is right (a wrong one slipped past the tests). */
  correct: boolean;
  /** LLM calls it took, redos included. */
  attempts: number;
  /** Output tokens of the accepted attempt (the size of the result message). */
  outputTokens: number;
}

/** Options of doSubtask. */
export interface SubtaskOptions {
  /** Input tokens on top of the subtask's prompt (e.g. context from a leader). */
  extraInputTokens?: number;
  /** Probability that tests catch a wrong output (default: the task's test_coverage). */
  testCoverage?: number;
  /** Receives the handle of every call made, so the caller can abandon one in flight. */
  onCall?: (handle: CallHandle) => void;
}

/**
 * `node` does one subtask: an LLM call that generates the subtask's work; a
 * wrong output is caught by the tests with the task's coverage and redone (each
 * redo counts as rework), an uncaught one is accepted; a call whose retries ran
 * out is tried again (rework too). The caught/uncaught draw comes from the
 * agent's own `agent/<i>/tests` stream. If the node crashes, `done` never runs.
 */
export function doSubtask<M extends Messages>(
  rt: Runtime,
  node: Node<M>,
  subtask: Subtask,
  done: (outcome: SubtaskOutcome) => void,
  options: SubtaskOptions = {},
): void {
  const coverage =
    options.testCoverage ?? (rt.task.kind === "workgraph" ? rt.task.testCoverage : 1);
  const tests = rt.stream(`agent/${node.index}/tests`);
  let attempts = 0;
  const attempt = () => {
    attempts++;
    const handle = node.call(
      {
        inputTokens: subtask.promptTokens + (options.extraInputTokens ?? 0),
        outputTokens: subtask.work,
        pRef: subtask.pRef,
        choices: 2,
        label: subtask.name,
      },
      (r) => {
        if (r.error === "context_overflow") {
          done({ ok: false, correct: false, attempts, outputTokens: 0 });
          return;
        }
        // The API kept failing, or tests caught a wrong output: the agent tries again.
        // (One test draw per output, right or wrong, so later draws do not shift.)
        if (!r.ok || (tests.next() < coverage && !r.correct)) {
          rt.counters.rework++;
          attempt();
          return;
        }
        done({ ok: true, correct: r.correct, attempts, outputTokens: r.outputTokens });
      },
    );
    options.onCall?.(handle);
  };
  attempt();
}

/** `doSubtask` as a process step: `const out = yield* work(rt, node, subtask)`; killing the process abandons the call in flight. */
export function* work<M extends Messages>(
  rt: Runtime,
  node: Node<M>,
  subtask: Subtask,
  options: SubtaskOptions = {},
): ProcessBody<SubtaskOutcome> {
  let handle: CallHandle | null = null;
  const out = yield {
    start: (resume) => {
      doSubtask(rt, node, subtask, resume, {
        ...options,
        onCall: (h) => {
          handle = h;
          options.onCall?.(h);
        },
      });
      return PENDING;
    },
    cancel: () => handle?.cancel(),
  };
  return out as SubtaskOutcome;
}
