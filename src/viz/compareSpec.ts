import type { TopLevelSpec } from "vega-lite";
import { bandSpec } from "./bandSpec.js";
import type { FigureOptions } from "./FigureOptions.js";

/** One team size of a theory-vs-simulation comparison. */
export interface ComparePoint {
  n: number;
  simulated: number;
  lo: number;
  hi: number;
  theory: number;
}

/** The simulated mean with its 95% band, and the closed form dashed over it. */
export function compareSpec(points: readonly ComparePoint[], options: FigureOptions): TopLevelSpec {
  return bandSpec(
    points.map((p) => ({ n: p.n, mean: p.simulated, lo: p.lo, hi: p.hi })),
    points.map((p) => ({ n: p.n, value: p.theory })),
    options,
  );
}
