import type { TopLevelSpec } from "vega-lite";
import type { FigureOptions } from "./FigureOptions.js";
import { figureFrame } from "./FigureOptions.js";
import { seriesColor } from "./scalingSpec.js";

/** One candidate of a recommendation, as the figure draws it. */
export interface RecommendPoint {
  /** Legend series: the structure. */
  series: string;
  /** Tooltip label: the team. */
  team: string;
  cost_usd: number;
  accuracy: number;
  makespan_s: number;
  /** "front" (on the Pareto front), "dominated", or "excluded" (outside the constraints). */
  status: "front" | "dominated" | "excluded";
  chosen: boolean;
}

/**
 * Accuracy against cost (log scale) of every candidate, colored by structure:
 * the Pareto front of accuracy, cost and makespan filled, dominated candidates
 * hollow, those outside the constraints grey crosses, the choice ringed and
 * labelled. Makespan is the third objective, so a front point may look
 * dominated in this projection; the tooltip gives all three numbers.
 */
export function recommendSpec(
  points: readonly RecommendPoint[],
  options: FigureOptions,
): TopLevelSpec {
  const names: string[] = [];
  for (const p of points)
    if (p.status !== "excluded" && !names.includes(p.series)) names.push(p.series);
  const values = points.map((p) => ({ ...p, x: p.cost_usd, y: p.accuracy }));
  const x = {
    field: "x",
    type: "quantitative",
    title: options.xTitle,
    scale: { type: "log" },
  };
  const y = { field: "y", type: "quantitative", title: options.yTitle, scale: { zero: false } };
  const tooltip = [
    { field: "series", title: "structure" },
    { field: "team", title: "team" },
    { field: "accuracy", format: ".4f" },
    { field: "cost_usd", title: "cost $", format: ".4g" },
    { field: "makespan_s", title: "makespan s", format: ".4g" },
  ];
  // One legend for both layers (the same properties, or vega warns of a conflict).
  const color = { ...seriesColor(names), legend: { symbolType: "circle", title: "structure" } };
  // Each layer its own data, and only when it has some: an empty layer on a log
  // scale makes vega warn of an infinite extent.
  const of = (keep: (p: (typeof values)[number]) => boolean) => ({
    values: values.filter(keep),
  });
  const layers = [
    {
      data: of((p) => p.status === "excluded"),
      mark: { type: "point", shape: "cross", color: "#bbbbbb", size: 30, filled: true },
      encoding: { x, y, tooltip },
    },
    {
      data: of((p) => p.status === "dominated"),
      mark: { type: "point", filled: false, size: 40, opacity: 0.6, strokeWidth: 1 },
      encoding: { x, y, color, tooltip },
    },
    {
      data: of((p) => p.status === "front"),
      mark: { type: "point", filled: true, size: 80, opacity: 1 },
      encoding: { x, y, color, tooltip },
    },
    {
      data: of((p) => p.chosen),
      mark: { type: "point", filled: false, size: 300, color: "#222222", strokeWidth: 2 },
      encoding: { x, y },
    },
    {
      data: of((p) => p.chosen),
      mark: { type: "text", align: "left", dx: 12, dy: -10, color: "#222222", fontSize: 11 },
      encoding: { x, y, text: { value: "choice" } },
    },
  ].filter((l) => l.data.values.length > 0);
  return {
    ...figureFrame(options),
    title: {
      text: options.title,
      subtitle: [
        "filled: on the Pareto front of accuracy, cost and makespan",
        "hollow: dominated; grey +: outside the constraints",
      ],
    },
    layer: layers,
  } as TopLevelSpec;
}
