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
    axes.forEach((axis, k) => {
      params[axis.path] = combo[k];
    });
    let sets: string[] = [];
    try {
      sets = pointSets(
        baseDoc,
        axes.map((axis, k) => [axis.path, combo[k]]),
      );
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
