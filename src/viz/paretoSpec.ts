import type { TopLevelSpec } from "vega-lite";
import type { FigureOptions } from "./FigureOptions.js";
import { figureFrame } from "./FigureOptions.js";
import { seriesColor, xAxis } from "./scalingSpec.js";

/** One configuration: its cost (x), its quality (y) and a legend series. */
export interface ParetoPoint {
  series: string;
  x: number;
  y: number;
}

/**
 * The non-dominated points for "lower x, higher y is better", by increasing x:
 * a point is on the front when no other point costs at most as much and scores
 * at least as high (with one of the two strictly).
 */
export function paretoFront<P extends { x: number; y: number }>(points: readonly P[]): P[] {
  const sorted = [...points].sort((a, b) => a.x - b.x || b.y - a.y);
  const front: P[] = [];
  for (const p of sorted) if (front.length === 0 || p.y > front[front.length - 1].y) front.push(p);
  return front;
}

/** Every configuration as a colored dot, and the Pareto front as a step line through its points. */
export function paretoSpec(points: readonly ParetoPoint[], options: FigureOptions): TopLevelSpec {
  const names: string[] = [];
  for (const p of points) if (!names.includes(p.series)) names.push(p.series);
  const front = paretoFront(points);
  const values = [
    ...points.map((p) => ({ kind: "point", series: p.series, x: p.x, y: p.y })),
    ...front.map((p, i) => ({ kind: "front", order: i, x: p.x, y: p.y })),
  ];
  const x = xAxis(options);
  const y = { field: "y", type: "quantitative", title: options.yTitle, scale: { zero: false } };
  return {
    ...figureFrame(options),
    data: { values },
    layer: [
      {
        transform: [{ filter: "datum.kind === 'front'" }],
        mark: { type: "line", interpolate: "step-after", color: "#333333", strokeWidth: 1.5 },
        encoding: { x, y, order: { field: "order", type: "quantitative" } },
      },
      {
        transform: [{ filter: "datum.kind === 'point'" }],
        mark: { type: "point", filled: true, size: 70, opacity: 1, tooltip: true },
        encoding: { x, y, color: { ...seriesColor(names), legend: { symbolType: "circle" } } },
      },
    ],
  } as TopLevelSpec;
}
