import { join } from "node:path";
import type { z } from "zod";
import type { PaperSuite } from "../tasks/PaperSuite.js";
import type { PaperSuiteTaskSchema, WorkgraphTaskSchema } from "../tasks/workGraphSchema.js";
import { packageRoot } from "./packageRoot.js";
import { readPaperTasks } from "./readPaperTasks.js";

/** Where the project's copy of the paper's task graphs lives (relative to the package root). */
export const PAPER_TASKS = "data/paper-llm-teams/tasks.json";

let cached: PaperSuite[] | undefined;

/** The paper's nine task graphs from the project's copy (read once). */
export function paperSuites(): PaperSuite[] {
  cached ??= readPaperTasks(join(packageRoot(), PAPER_TASKS));
  return cached;
}

type Task<T> = T | z.output<typeof PaperSuiteTaskSchema>;

/**
 * Turns a `paper-suite` task into the explicit `workgraph` of that suite and
 * p (other tasks pass through); an unknown suite or p is a validation issue
 * at task.suite or task.p, listing what exists.
 */
export function expandPaperSuite<T>(
  task: Task<T>,
  ctx: z.RefinementCtx,
): T | z.output<typeof WorkgraphTaskSchema> {
  if ((task as { kind: string }).kind !== "paper-suite") return task as T;
  const { kind: _kind, suite, p, ...common } = task as z.output<typeof PaperSuiteTaskSchema>;
  const suites = paperSuites();
  const names = [...new Set(suites.map((s) => s.suite))];
  if (!names.includes(suite)) {
    ctx.addIssue({
      code: "custom",
      path: ["suite"],
      message: `a suite of the paper (${names.join(", ")})`,
      input: suite,
    });
    return task as T;
  }
  const graph = suites.find((s) => s.suite === suite && s.p === p);
  if (graph === undefined) {
    const ps = suites.filter((s) => s.suite === suite).map((s) => s.p);
    ctx.addIssue({
      code: "custom",
      path: ["p"],
      message: `a parallel fraction of suite ${suite} (${ps.join(", ")})`,
      input: p,
    });
    return task as T;
  }
  return {
    kind: "workgraph",
    subtasks: graph.names.length,
    parallel_fraction: p,
    graph: graph.names.map((name, k) => ({
      name,
      deps: graph.deps[k].map((d) => graph.names[d]),
      files: [...graph.files[k]],
    })),
    ...common,
  };
}
