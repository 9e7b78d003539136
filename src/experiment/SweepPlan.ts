import { stringify } from "yaml";
import { InputError } from "../core/InputError.js";
import { applyOverride } from "../scenario/applyOverride.js";
import { firstMembers } from "../scenario/firstMembers.js";
import type { LoadedScenario } from "../scenario/loadScenario.js";
import { parseSourceText } from "../scenario/validateYaml.js";
import { withOverrides } from "../scenario/withOverrides.js";
import type { SweepAxis } from "./SweepAxis.js";

/** One point of a sweep: its parameters by dotted path and the overrides that make it. */
export interface SweepPoint {
  index: number;
  params: Record<string, unknown>;
  sets: string[];
}

/** The grid of a sweep: the base scenario, its axes, the points and the replicates of each. */
export interface SweepPlan {
  /** The scenario document after `--set`, without its `sweep` block. */
  base: unknown;
  axes: SweepAxis[];
  points: SweepPoint[];
  replicates: number;
}

/**
 * Most points one sweep may have. Planning validates every point as a scenario
 * (about 6 ms each: a minute at the limit), each worker loads every point it
 * runs, and summary.json (about 5 KB a point) must stay far below the 512 MiB
 * of one JavaScript string.
 */
export const MAX_SWEEP_POINTS = 10_000;

/**
 * Most results (points × replicates) one sweep may have: its directory's
 * results are read into memory to summarize (about 1.5 KB each), and merge
 * writes results.jsonl (about 750 bytes a line) from one string, at most
 * 512 MiB.
 */
export const MAX_SWEEP_RESULTS = 500_000;

/**
 * The points of a grid without listing them: the number of points and point
 * i's values (one per axis) by mixed radix, the last axis varying fastest; no
 * memory or stack grows with the number of points.
 */
export interface SweepGrid {
  /** Points in the grid: the product of the axes' lengths. */
  size: number;
  /** The values of point i (0 <= i < size), in axis order. */
  values(i: number): unknown[];
}

/** The lazy Cartesian product of the axes (the last axis varies fastest). */
export function sweepGrid(axes: readonly SweepAxis[]): SweepGrid {
  const size = axes.reduce((p, a) => p * a.values.length, 1);
  return {
    size,
    values(i: number): unknown[] {
      if (!Number.isInteger(i) || i < 0 || i >= size) throw new RangeError(`no sweep point ${i}`);
      const out = new Array<unknown>(axes.length);
      let rest = i;
      for (let k = axes.length - 1; k >= 0; k--) {
        const len = axes[k].values.length;
        out[k] = axes[k].values[rest % len];
        rest = Math.floor(rest / len);
      }
      return out;
    },
  };
}

/** Options of sweepPlan. */
export interface SweepPlanOptions {
  /** Called with each point and its validated scenario (e.g. to estimate the work). */
  onPoint?: (point: SweepPoint, loaded: LoadedScenario) => void;
}

/**
 * The Cartesian product of the axes (the last axis varies fastest), each point
 * validated as a scenario: a sweep path the schema does not know, or a value it
 * rejects, is an InputError naming the path, before anything runs. More than
 * MAX_SWEEP_POINTS points, or MAX_SWEEP_RESULTS results, is an InputError
 * before any point is built.
 */
export function sweepPlan(
  loaded: LoadedScenario,
  axes: readonly SweepAxis[],
  options: SweepPlanOptions = {},
): SweepPlan {
  const baseDoc = { ...(loaded.input as Record<string, unknown>) };
  delete baseDoc.sweep;
  const base = { ...loaded, input: baseDoc };
  const grid = sweepGrid(axes);
  checkSweepSize(grid.size, loaded.scenario.replicates, axes);
  const points: SweepPoint[] = [];
  for (let index = 0; index < grid.size; index++) {
    const combo = grid.values(index);
    const params: Record<string, unknown> = {};
    axes.forEach((axis, k) => {
      params[axis.path] = combo[k];
    });
    let sets: string[] = [];
    let at: LoadedScenario;
    try {
      sets = pointSets(
        baseDoc,
        axes.map((axis, k) => [axis.path, combo[k]]),
      );
      at = withOverrides(base, sets);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      const where = Object.entries(params)
        .map(([p, v]) => `${p}=${JSON.stringify(v)}`)
        .join(", ");
      throw new InputError(
        `sweep point ${index} (${where})`,
        e.docPath,
        undefined,
        undefined,
        e.expected,
        e.found,
      );
    }
    const point = { index, params, sets };
    options.onPoint?.(point, at);
    points.push(point);
  }
  return { base: baseDoc, axes: [...axes], points, replicates: loaded.scenario.replicates };
}

/**
 * Refuses a sweep of more than MAX_SWEEP_POINTS points or MAX_SWEEP_RESULTS
 * results (points × replicates), naming the axes' sizes.
 */
export function checkSweepSize(
  points: number,
  replicates: number,
  axes: readonly SweepAxis[],
): void {
  const shape = axes.map((a) => `${a.values.length} ${a.path}`).join(" × ");
  if (points > MAX_SWEEP_POINTS) {
    throw new InputError(
      "--sweep",
      "",
      undefined,
      undefined,
      `at most ${MAX_SWEEP_POINTS} sweep points (fewer values per axis, or a sweep per slice of an axis)`,
      `${points} points (${shape})`,
    );
  }
  if (points * replicates > MAX_SWEEP_RESULTS) {
    throw new InputError(
      "--sweep",
      "",
      undefined,
      undefined,
      `at most ${MAX_SWEEP_RESULTS} results, points × replicates (fewer points or replicates, or one sweep directory per slice)`,
      `${points} points × ${replicates} replicates = ${points * replicates}`,
    );
  }
}

/**
 * The overrides that make a sweep point, one per axis in axis order:
 * `path=value`, except that `agents.count=N` on a team written as a list of
 * groups (which has no count to set) becomes `agents=[...]`, its first N members
 * (firstMembers: the last group cut, or grown past the list), as compare and
 * recommend size such a team. The team is the one the point has at that axis
 * (the base document's, after the point's earlier overrides).
 */
export function pointSets(
  base: unknown,
  assignments: readonly (readonly [string, unknown])[],
): string[] {
  const sets: string[] = [];
  for (const [path, value] of assignments) {
    const agents = path === "agents.count" ? teamAt(base, sets) : undefined;
    if (!Array.isArray(agents)) {
      sets.push(`${path}=${JSON.stringify(value)}`);
      continue;
    }
    if (!Number.isInteger(value) || (value as number) < 1) {
      throw new InputError(
        "sweep",
        "agents.count",
        undefined,
        undefined,
        "a team size (an integer >= 1: the first N members of the team's groups)",
        JSON.stringify(value),
      );
    }
    sets.push(`agents=${JSON.stringify(firstMembers(agents, value as number))}`);
  }
  return sets;
}

// The `agents` of `base` after `sets` (parsed again only if one of them writes the team).
function teamAt(base: unknown, sets: readonly string[]): unknown {
  if (!sets.some((s) => /^agents[.=]/.test(s)))
    return (base as { agents?: unknown } | null)?.agents;
  const src = parseSourceText("sweep", stringify(base));
  for (const s of sets) applyOverride(src, s);
  return (src.doc.toJS() as { agents?: unknown } | null)?.agents;
}
