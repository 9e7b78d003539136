import {
  type ResultLine,
  type ResultProblem,
  type ResultsRead,
  withChecksum,
  withoutChecksum,
} from "./ResultsFile.js";
import type { Shard } from "./Shard.js";
import type { SweepAxis } from "./SweepAxis.js";
import { canonicalJson } from "./SweepManifest.js";
import { sweepGrid } from "./SweepPlan.js";

/** The grid a sweep directory's results must fit: its axes, replicates and shard. */
export interface ResultsGrid {
  sweep: readonly SweepAxis[];
  replicates: number;
  shard: Shard | null;
}

/** The results a resumed sweep keeps, and what it drops. */
export interface ReconciledResults {
  /** Kept lines in file order, numbered by `grid`'s points, every one with its checksum. */
  lines: ResultLine[];
  /** Lines dropped (their runs are rerun), in line order: those readResults rejected and those that fit no run of the grid. */
  problems: ResultProblem[];
  /** The file must be rewritten with `lines`: a line was dropped mid-file, renumbered, or given its checksum. */
  rewrite: boolean;
}

/**
 * Fits the lines of a results file to a sweep's grid: a line keeps its point
 * when its params are that point's, and is renumbered by its params otherwise
 * (a sweep extended with new axis values numbers its points anew; a line's
 * result does not depend on its point's number, only on its params and
 * replicate, so the renumbered line is the one a fresh sweep writes). Lines
 * whose params are no point of the grid, whose replicate is out of range, that
 * belong to another shard, or repeat a run, are dropped as problems.
 */
export function reconcileResults(read: ResultsRead, grid: ResultsGrid): ReconciledResults {
  const R = grid.replicates;
  const problems: ResultProblem[] = [...read.problems];
  let rewrite = read.unchecked > 0 || read.problems.some((p) => p.tail !== true);
  const index = pointIndexer(grid.sweep);
  const points = grid.sweep.reduce((n, a) => n * a.values.length, 1);
  const seen = new Map<number, number>();
  const lines: ResultLine[] = [];
  for (const l of read.lines) {
    const at = l.line ?? 0;
    const body = withoutChecksum(l.text);
    const doc = JSON.parse(body) as Record<string, unknown>;
    const params = canonicalJson(doc.params ?? {});
    let point = l.point;
    if (point >= points || canonicalJson(paramsAt(grid.sweep, point)) !== params) {
      const found = index(doc.params);
      if (found === undefined) {
        problems.push({ line: at, what: `its params ${params} are no point of this sweep` });
        continue;
      }
      point = found;
    }
    if (l.replicate >= R) {
      problems.push({ line: at, what: `replicate ${l.replicate} is beyond the sweep's ${R}` });
      continue;
    }
    const task = point * R + l.replicate;
    if (grid.shard !== null && task % grid.shard.count !== grid.shard.index - 1) {
      const other = (task % grid.shard.count) + 1;
      problems.push({
        line: at,
        what: `a run of shard ${other}/${grid.shard.count}, not of this one`,
      });
      continue;
    }
    const first = seen.get(task);
    if (first !== undefined) {
      problems.push({
        line: at,
        what: `a second result of point ${point} replicate ${l.replicate} (line ${first} has one)`,
      });
      rewrite = true;
      continue;
    }
    seen.set(task, at);
    let text = l.text;
    if (point !== l.point || body === l.text) {
      text = withChecksum(point === l.point ? body : JSON.stringify({ ...doc, point }));
      rewrite = true;
    }
    lines.push({ point, replicate: l.replicate, text, line: at });
  }
  if (problems.length > read.problems.length) rewrite = true;
  problems.sort((a, b) => a.line - b.line);
  return { lines, problems, rewrite };
}

/** The params of point `index` of a grid (the planner's order: the last axis varies fastest), by dotted path. */
export function paramsAt(axes: readonly SweepAxis[], index: number): Record<string, unknown> {
  const values = sweepGrid(axes).values(index);
  return Object.fromEntries(axes.map((a, k) => [a.path, values[k]]));
}

/** Point index by params (the inverse of paramsAt; a value repeated on an axis gives its first place). */
export function pointIndexer(axes: readonly SweepAxis[]): (params: unknown) => number | undefined {
  const places = axes.map((a) => {
    const m = new Map<string, number>();
    a.values.forEach((v, i) => {
      const key = canonicalJson(v);
      if (!m.has(key)) m.set(key, i);
    });
    return m;
  });
  return (params) => {
    if (params === null || typeof params !== "object") return undefined;
    const p = params as Record<string, unknown>;
    if (Object.keys(p).length !== axes.length) return undefined;
    let index = 0;
    for (const [k, axis] of axes.entries()) {
      if (!(axis.path in p)) return undefined;
      const at = places[k].get(canonicalJson(p[axis.path]));
      if (at === undefined) return undefined;
      index = index * axis.values.length + at;
    }
    return index;
  };
}
