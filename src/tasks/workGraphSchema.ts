import { z } from "zod";
import { distributionSchema } from "../core/distributionSchema.js";
import { DifficultySchema } from "./difficultySchema.js";

const prob = z.number().min(0).max(1);

// Fields every work-graph task has, whatever its shape.
const common = {
  /** Output tokens of one subtask (its work): what an agent must generate to do it. */
  work_tokens: distributionSchema("").prefault({ dist: "lognormal", median: 600, sigma: 0.5 }),
  /** Probability that the reference agent does a subtask right in one attempt. */
  difficulty: DifficultySchema.default({ kind: "fixed", p: 0.9 }),
  /** Input tokens of one subtask call (instructions and the code it builds on). */
  prompt_tokens: distributionSchema("").prefault({ dist: "fixed", value: 2000 }),
  /** Probability that a wrong subtask output is caught by its tests (and redone); uncaught ones are accepted wrong. */
  test_coverage: prob.default(1),
  /** Add a final serial integration-and-test subtask that depends on every other. */
  integration: z.boolean().default(false),
};

const explicitSubtask = z.strictObject({
  name: z.string().min(1),
  deps: z.array(z.string().min(1)).default([]),
  /** Output tokens; drawn from work_tokens when left out. */
  work: z.number().int().positive().optional(),
  /** Files the subtask writes (default: one file of its own). */
  files: z.array(z.string().min(1)).optional(),
});

/**
 * Most subtasks in one work graph: building a graph takes memory and time in
 * proportion (a billion subtasks would exhaust the heap before any guard runs).
 */
export const MAX_SUBTASKS = 1_000_000;
/** Most edge draws of a layered graph (layers × width²: each pair of adjacent layers is tried). */
export const MAX_LAYERED_EDGE_DRAWS = 100_000_000;

const count = (d: number) => z.number().int().min(1).max(MAX_SUBTASKS).default(d);

/**
 * `workgraph`: `subtasks` subtasks of which a chain of max(1, round((1-p)·m))
 * depend on each other and the rest are independent (the paper's task suites:
 * p = parallel_fraction), or an explicit `graph`.
 */
export const WorkgraphTaskSchema = z
  .strictObject({
    kind: z.literal("workgraph"),
    subtasks: count(20),
    parallel_fraction: prob.default(0.5),
    graph: z.array(explicitSubtask).min(1).optional(),
    ...common,
  })
  .superRefine((t, ctx) => {
    if (t.graph === undefined) return;
    const names = new Map<string, number>();
    t.graph.forEach((s, i) => {
      if (names.has(s.name))
        ctx.addIssue({
          code: "custom",
          path: ["graph", i, "name"],
          message: "a name not used by another subtask",
        });
      names.set(s.name, i);
    });
    t.graph.forEach((s, i) => {
      s.deps.forEach((d, j) => {
        if (!names.has(d))
          ctx.addIssue({
            code: "custom",
            path: ["graph", i, "deps", j],
            message: "the name of a subtask of this graph",
          });
      });
    });
    // Kahn's algorithm: whatever is never freed lies on a cycle.
    const indegree = t.graph.map((s) => s.deps.filter((d) => names.has(d)).length);
    const queue = indegree.flatMap((d, i) => (d === 0 ? [i] : []));
    let seen = 0;
    while (queue.length > 0) {
      const i = queue.pop() as number;
      seen++;
      t.graph.forEach((s, k) => {
        for (const d of s.deps) if (names.get(d) === i && --indegree[k] === 0) queue.push(k);
      });
    }
    if (seen < t.graph.length) {
      const k = indegree.findIndex((d) => d > 0);
      ctx.addIssue({
        code: "custom",
        path: ["graph", k, "deps"],
        message: "dependencies without a cycle",
      });
    }
  });

/** `chain`: every subtask depends on the one before (no parallelism at all). */
export const ChainTaskSchema = z.strictObject({
  kind: z.literal("chain"),
  subtasks: count(10),
  ...common,
});

/** `fork-join`: `stages` times, one subtask fans out to `width` parallel ones that join into the next. */
export const ForkJoinTaskSchema = z
  .strictObject({
    kind: z.literal("fork-join"),
    width: count(8),
    stages: count(1),
    ...common,
  })
  .superRefine((t, ctx) => {
    if (t.stages * (t.width + 1) + 1 > MAX_SUBTASKS)
      ctx.addIssue({
        code: "custom",
        path: ["width"],
        message: `stages × (width + 1) + 1 <= ${MAX_SUBTASKS} subtasks (found ${t.stages} × ${t.width + 1} + 1)`,
      });
  });

/** `layered`: a random DAG of `layers` layers of `width`; each subtask depends on each one of the layer before with `edge_probability` (at least one). */
export const LayeredTaskSchema = z
  .strictObject({
    kind: z.literal("layered"),
    layers: count(4),
    width: count(5),
    edge_probability: prob.default(0.3),
    ...common,
  })
  .superRefine((t, ctx) => {
    if (t.layers * t.width * t.width > MAX_LAYERED_EDGE_DRAWS)
      ctx.addIssue({
        code: "custom",
        path: ["width"],
        message: `layers × width² <= ${MAX_LAYERED_EDGE_DRAWS} (edge draws; found ${t.layers} × ${t.width}²)`,
      });
  });

/**
 * `paper-suite`: one of the paper's nine dependency graphs (Mieczkowski et al.
 * 2026: suites mathutilities, dataanalysis and svgutils, each at p = 0.2, 0.5
 * and 0.9; 20 subtasks of one file each), from the project's copy of its
 * tasks.json. The scenario loader turns it into an explicit `workgraph`.
 */
export const PaperSuiteTaskSchema = z.strictObject({
  kind: z.literal("paper-suite"),
  suite: z.string().min(1).default("mathutilities"),
  p: prob.default(0.9),
  ...common,
});

/** Any work-graph task. */
export type WorkGraphTaskConfig =
  | z.output<typeof WorkgraphTaskSchema>
  | z.output<typeof ChainTaskSchema>
  | z.output<typeof ForkJoinTaskSchema>
  | z.output<typeof LayeredTaskSchema>;
