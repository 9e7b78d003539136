import type { CallHandle, MockLLM } from "../agents/MockLLM.js";
import type { Subtask } from "../tasks/WorkGraph.js";
import type { ProtocolContext } from "./Protocol.js";

/** How a subtask ended for the agent that did it. */
export interface SubtaskOutcome {
  /** false: the agent crashed or its API calls kept failing; nothing was produced. */
  ok: boolean;
  /** Whether the accepted output is right (a wrong one slipped past the tests). */
  correct: boolean;
  /** LLM calls it took, redos included. */
  attempts: number;
  /** Output tokens of the accepted attempt (the size of the result message). */
  outputTokens: number;
}

/** Options of executeSubtask. */
export interface ExecuteOptions {
  /** Input tokens on top of the subtask's prompt (e.g. context from a leader). */
  extraInputTokens?: number;
  /** Probability that tests catch a wrong output (default: the task's test_coverage). */
  testCoverage?: number;
  /** Receives the handle of every call made, so the caller can abandon one in flight. */
  onCall?: (handle: CallHandle) => void;
}

/**
 * One agent does one subtask: an LLM call that generates the subtask's work; a
 * wrong output is caught by the tests with the task's coverage and redone (each
 * redo counts as rework), an uncaught one is accepted. The caught/uncaught draw
 * comes from the agent's own `agent/<i>/tests` stream.
 */
export function executeSubtask(
  ctx: ProtocolContext,
  agent: MockLLM,
  subtask: Subtask,
  done: (outcome: SubtaskOutcome) => void,
  options: ExecuteOptions = {},
): void {
  const coverage =
    options.testCoverage ?? (ctx.task.kind === "workgraph" ? ctx.task.testCoverage : 1);
  const tests = ctx.rng.stream(`agent/${agent.index}/tests`);
  let attempts = 0;
  const attempt = () => {
    attempts++;
    const handle = agent.call(
      {
        inputTokens: subtask.promptTokens + (options.extraInputTokens ?? 0),
        outputTokens: subtask.work,
        pRef: subtask.pRef,
        choices: 2,
        label: subtask.name,
      },
      (r) => {
        if (!r.ok) {
          if (r.error === "retries_exhausted" && agent.isAlive) {
            // The API kept failing: the agent tries the subtask again.
            ctx.counters.rework++;
            attempt();
            return;
          }
          done({ ok: false, correct: false, attempts, outputTokens: 0 });
          return;
        }
        const caught = tests.next() < coverage;
        if (!r.correct && caught) {
          ctx.counters.rework++;
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
