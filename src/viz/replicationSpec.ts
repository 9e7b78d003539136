import type { TopLevelSpec } from "vega-lite";
import { type FigureOptions, figureFrame, SERIES_COLORS } from "./FigureOptions.js";

/** One point of a replication figure: a cell's predicted and observed speedup. */
export interface ReplicationPoint {
  model: string;
  mode: string;
  task_suite: string;
  p: number;
  n_agents: number;
  predicted: number;
  observed: number;
}

/**
 * Predicted against observed speedup per cell on log axes, coloured by mode,
 * with the identity line (a perfect prediction) and the line speedup = 1 on
 * both axes (the quadrants where "the team is faster" is right or wrong).
 */
export function replicationSpec(
  points: readonly ReplicationPoint[],
  options: FigureOptions,
): TopLevelSpec {
  const all = points.flatMap((p) => [p.predicted, p.observed]).filter((v) => v > 0);
  const lo = Math.min(0.1, ...all) * 0.9;
  const hi = Math.max(10, ...all) * 1.1;
  const scale = { type: "log", domain: [lo, hi] };
  const modes = [...new Set(points.map((p) => p.mode))].sort();
  return {
    ...figureFrame({ ...options, width: options.width ?? 420, height: options.height ?? 420 }),
    layer: [
      {
        data: {
          values: [
            { x: lo, y: lo },
            { x: hi, y: hi },
          ],
        },
        mark: { type: "line", color: "#888888", strokeDash: [4, 4] },
        encoding: {
          x: { field: "x", type: "quantitative", scale, title: options.xTitle },
          y: { field: "y", type: "quantitative", scale, title: options.yTitle },
        },
      },
      {
        data: { values: [{ v: 1 }] },
        mark: { type: "rule", color: "#cccccc" },
        encoding: { x: { field: "v", type: "quantitative", scale } },
      },
      {
        data: { values: [{ v: 1 }] },
        mark: { type: "rule", color: "#cccccc" },
        encoding: { y: { field: "v", type: "quantitative", scale } },
      },
      {
        data: { values: points.filter((p) => p.predicted > 0 && p.observed > 0) },
        mark: { type: "point", filled: true, size: 50, opacity: 0.8, tooltip: true },
        encoding: {
          x: { field: "observed", type: "quantitative", scale, title: options.xTitle },
          y: { field: "predicted", type: "quantitative", scale, title: options.yTitle },
          color: {
            field: "mode",
            type: "nominal",
            title: "mode",
            scale: { domain: modes, range: SERIES_COLORS.slice(0, modes.length) },
          },
          shape: { field: "model", type: "nominal", title: "model" },
        },
      },
    ],
  } as TopLevelSpec;
}
