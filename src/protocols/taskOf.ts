import type { QuestionSet } from "../tasks/QuestionSet.js";
import type { WorkGraph } from "../tasks/WorkGraph.js";
import type { ProtocolContext } from "./Protocol.js";

// Scenario validation rejects a protocol on a task family it does not run, so
// these only fail on a programming error.

/** The context's task as questions. */
export function questionsOf(ctx: ProtocolContext): QuestionSet {
  if (ctx.task.kind !== "questions") throw new Error("this protocol needs a questions task");
  return ctx.task;
}

/** The context's task as a work graph. */
export function workGraphOf(ctx: ProtocolContext): WorkGraph {
  if (ctx.task.kind !== "workgraph") throw new Error("this protocol needs a work-graph task");
  return ctx.task;
}
