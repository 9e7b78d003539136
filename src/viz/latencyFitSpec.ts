import type { TopLevelSpec } from "vega-lite";
import { type FigureOptions, figureFrame } from "./FigureOptions.js";
import { seriesColor } from "./scalingSpec.js";

/** A CDF as points (x, P(X <= x)), ascending in x. */
export type CdfPoints = readonly { x: number; p: number }[];

/**
 * The empirical CDF of measured latencies (a step line) against the CDFs of
 * fitted distributions (smooth lines), on a log-scaled x axis, so a mode of
 * fast calls and a tail of slow ones are both visible.
 */
export function latencyFitSpec(
  data: CdfPoints,
  fits: readonly { name: string; points: CdfPoints }[],
  options: FigureOptions & { dataLabel?: string },
): TopLevelSpec {
  const measured = options.dataLabel ?? "data";
  const names = [measured, ...fits.map((f) => f.name)];
  const values = [
    ...data.map((d, i) => ({ series: measured, order: i, x: d.x, y: d.p })),
    ...fits.flatMap((f) => f.points.map((d, i) => ({ series: f.name, order: i, x: d.x, y: d.p }))),
  ];
  const x = { field: "x", type: "quantitative", title: options.xTitle, scale: { type: "log" } };
  const y = { field: "y", type: "quantitative", title: options.yTitle, scale: { domain: [0, 1] } };
  const order = { field: "order", type: "quantitative" };
  const base = seriesColor(names);
  const color = { ...base, legend: { ...(base.legend as object), labelLimit: 320 } };
  return {
    ...figureFrame(options),
    data: { values },
    layer: [
      {
        transform: [{ filter: { field: "series", equal: measured } }],
        mark: { type: "line", interpolate: "step-after", strokeWidth: 2.5 },
        encoding: { x, y, order, color },
      },
      {
        transform: [{ filter: { field: "series", oneOf: names.slice(1) } }],
        mark: { type: "line", strokeDash: [5, 3] },
        encoding: { x, y, order, color },
      },
    ],
  } as TopLevelSpec;
}
