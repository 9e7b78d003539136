import { parse } from "yaml";
import { InputError } from "../core/InputError.js";

/** One dimension of a sweep: a dotted scenario path and the values it takes. */
export interface SweepAxis {
  path: string;
  values: unknown[];
}

/**
 * The sweep axes: the scenario's `sweep` block, in file order, with each
 * `--sweep path=v1,v2,...` adding an axis or replacing the one of that path.
 */
export function sweepAxes(
  block: Record<string, unknown[]> | undefined,
  flags: readonly string[],
): SweepAxis[] {
  const axes: SweepAxis[] = Object.entries(block ?? {}).map(([path, values]) => ({
    path,
    values: [...values],
  }));
  for (const flag of flags) {
    const axis = parseSweepFlag(flag);
    const at = axes.findIndex((a) => a.path === axis.path);
    if (at >= 0) axes[at] = axis;
    else axes.push(axis);
  }
  for (const axis of axes) {
    if (axis.values.length === 0) {
      throw new InputError(
        "sweep",
        axis.path,
        undefined,
        undefined,
        "a non-empty list of values",
        "[]",
      );
    }
  }
  return axes;
}

/** Parses `path=v1,v2,...`; the values are a YAML flow list without its brackets. */
export function parseSweepFlag(flag: string): SweepAxis {
  const eq = flag.indexOf("=");
  const path = eq > 0 ? flag.slice(0, eq).trim() : "";
  if (path === "" || path.split(".").some((s) => s === "")) {
    throw new InputError(
      `--sweep ${flag}`,
      "",
      undefined,
      undefined,
      "path=v1,v2,... (e.g. agents.count=1,3,5)",
      JSON.stringify(flag),
    );
  }
  let values: unknown;
  try {
    values = parse(`[${flag.slice(eq + 1)}]`);
  } catch (e) {
    const first = (e as Error).message.split("\n")[0];
    throw new InputError(`--sweep ${flag}`, path, undefined, undefined, "YAML values", first);
  }
  return { path, values: values as unknown[] };
}
