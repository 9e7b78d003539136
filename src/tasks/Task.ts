import type { QuestionSet } from "./QuestionSet.js";
import type { WorkGraph } from "./WorkGraph.js";

/** What a team works on: questions to answer, or a graph of subtasks to build. */
export type Task = QuestionSet | WorkGraph;

/** The two families of task; a protocol says which it can run. */
export type TaskFamily = Task["kind"];
