import { sample } from "../core/Distribution.js";
import type { Rng } from "../core/Rng.js";
import { drawDifficulty } from "./drawDifficulty.js";
import { topologicalOrder } from "./topologicalOrder.js";
import type { WorkGraphTaskConfig } from "./workGraphSchema.js";

/** One unit of work: `work` output tokens to generate, after every subtask in `deps`. */
export interface Subtask {
  index: number;
  name: string;
  work: number;
  deps: readonly number[];
  files: readonly string[];
  /** Probability that the reference agent does it right in one attempt. */
  pRef: number;
  promptTokens: number;
}

/**
 * A task as a DAG of subtasks (work measured in output tokens). Knows its total
 * work and its critical path (span), the quantities of the work-span bounds
 * (Brent 1974; Blumofe & Leiserson 1999): T_n >= max(work/n, span).
 */
export class WorkGraph {
  readonly kind = "workgraph";
  readonly subtasks: readonly Subtask[];
  /** A topological order (dependencies first). */
  readonly order: readonly number[];
  /** dependents[i]: the subtasks that depend on i. */
  readonly dependents: readonly number[][];
  /** Sum of the work of all subtasks (tokens). */
  readonly totalWork: number;
  /** Largest total work along a dependency path (tokens). */
  readonly criticalPathWork: number;
  /** Number of subtasks on the longest dependency path. */
  readonly criticalPathLength: number;
  /** Probability that tests catch a wrong output. */
  readonly testCoverage: number;

  constructor(config: WorkGraphTaskConfig, rng: Rng) {
    const structure = rng.stream("task/graph");
    const work = rng.stream("task/work");
    const diff = rng.stream("task/difficulty");
    const prompt = rng.stream("task/prompt");
    const shape = buildShape(config, structure);
    if (config.integration) {
      shape.push({ name: "integration", deps: shape.map((_, i) => i) });
    }
    const subtasks: Subtask[] = shape.map((s, i) => ({
      index: i,
      name: s.name,
      work: s.work ?? Math.max(1, Math.round(sample(work, config.work_tokens))),
      deps: s.deps,
      files: s.files ?? [`${s.name}.py`],
      pRef: drawDifficulty(config.difficulty, diff),
      promptTokens: Math.max(1, Math.round(sample(prompt, config.prompt_tokens))),
    }));
    this.subtasks = subtasks;
    this.testCoverage = config.test_coverage;
    const dependents: number[][] = subtasks.map(() => []);
    for (const s of subtasks) for (const d of s.deps) dependents[d].push(s.index);
    this.dependents = dependents;
    this.order = topologicalOrder(subtasks.map((st) => st.deps));
    let total = 0;
    const finish = new Float64Array(subtasks.length);
    const length = new Int32Array(subtasks.length);
    for (const i of this.order) {
      const s = subtasks[i];
      total += s.work;
      let before = 0;
      let len = 0;
      for (const d of s.deps) {
        before = Math.max(before, finish[d]);
        len = Math.max(len, length[d]);
      }
      finish[i] = before + s.work;
      length[i] = len + 1;
    }
    this.totalWork = total;
    this.criticalPathWork = Math.max(...finish);
    this.criticalPathLength = Math.max(...length);
  }

  /** Number of subtasks. */
  get size(): number {
    return this.subtasks.length;
  }
}

interface Shape {
  name: string;
  deps: number[];
  work?: number;
  files?: string[];
}

function buildShape(config: WorkGraphTaskConfig, rng: ReturnType<Rng["stream"]>): Shape[] {
  switch (config.kind) {
    case "workgraph": {
      if (config.graph !== undefined) {
        const index = new Map(config.graph.map((s, i) => [s.name, i]));
        return config.graph.map((s) => ({
          name: s.name,
          deps: s.deps.map((d) => index.get(d) as number),
          work: s.work,
          files: s.files,
        }));
      }
      // The paper's construction: a chain of max(1, round((1-p)·m)) subtasks, the rest independent.
      const m = config.subtasks;
      const chain = Math.min(m, Math.max(1, Math.round((1 - config.parallel_fraction) * m)));
      return Array.from({ length: m }, (_, i) => ({
        name: `s${i}`,
        deps: i > 0 && i < chain ? [i - 1] : [],
      }));
    }
    case "chain":
      return Array.from({ length: config.subtasks }, (_, i) => ({
        name: `s${i}`,
        deps: i > 0 ? [i - 1] : [],
      }));
    case "fork-join": {
      const out: Shape[] = [{ name: "fork0", deps: [] }];
      for (let st = 0; st < config.stages; st++) {
        const fork = out.length - 1;
        const first = out.length;
        for (let w = 0; w < config.width; w++) out.push({ name: `stage${st}-w${w}`, deps: [fork] });
        out.push({
          name: `join${st}`,
          deps: Array.from({ length: config.width }, (_, w) => first + w),
        });
      }
      return out;
    }
    case "layered": {
      const out: Shape[] = [];
      for (let l = 0; l < config.layers; l++) {
        for (let w = 0; w < config.width; w++) {
          const deps: number[] = [];
          if (l > 0) {
            const prev = (l - 1) * config.width;
            for (let k = 0; k < config.width; k++)
              if (rng.next() < config.edge_probability) deps.push(prev + k);
            // Every subtask past the first layer depends on something in the layer before.
            const forced = prev + rng.int(config.width);
            if (deps.length === 0) deps.push(forced);
          }
          out.push({ name: `l${l}-${w}`, deps });
        }
      }
      return out;
    }
  }
}
