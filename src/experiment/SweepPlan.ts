import { InputError } from "../core/InputError.js";
import type { LoadedScenario } from "../scenario/loadScenario.js";
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
 * The Cartesian product of the axes (the last axis varies fastest), each point
 * validated as a scenario: a sweep path the schema does not know, or a value it
 * rejects, is an InputError naming the path, before anything runs.
 */
export function sweepPlan(loaded: LoadedScenario, axes: readonly SweepAxis[]): SweepPlan {
  const baseDoc = { ...(loaded.input as Record<string, unknown>) };
  delete baseDoc.sweep;
  const base = { ...loaded, input: baseDoc };
  const combos: unknown[][] = [[]];
  for (const axis of axes) {
    const next: unknown[][] = [];
    for (const combo of combos) for (const v of axis.values) next.push([...combo, v]);
    combos.splice(0, combos.length, ...next);
  }
  const points = combos.map((combo, index) => {
    const params: Record<string, unknown> = {};
    const sets: string[] = [];
    axes.forEach((axis, k) => {
      params[axis.path] = combo[k];
      sets.push(`${axis.path}=${JSON.stringify(combo[k])}`);
    });
    try {
      withOverrides(base, sets);
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
    return { index, params, sets };
  });
  return { base: baseDoc, axes: [...axes], points, replicates: loaded.scenario.replicates };
}
