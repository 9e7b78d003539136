import type { TopLevelSpec } from "vega-lite";
import { type FigureOptions, figureFrame, teamSizeAxis } from "./FigureOptions.js";

/**
 * Measured points as dots and a fitted curve as a line through them, each
 * named in the legend (e.g. "measured" and "USL fit").
 */
export function fitSpec(
  data: readonly { n: number; value: number }[],
  fitted: readonly { n: number; value: number }[],
  options: FigureOptions & { dataLabel?: string; fitLabel?: string },
): TopLevelSpec {
  const measured = options.dataLabel ?? "measured";
  const fit = options.fitLabel ?? "fit";
  const values = [
    ...data.map((p) => ({ series: measured, n: p.n, value: p.value })),
    ...fitted.map((p) => ({ series: fit, n: p.n, value: p.value })),
  ];
  const x = teamSizeAxis(options);
  const y = { field: "value", type: "quantitative", title: options.yTitle, scale: { zero: false } };
  const color = {
    field: "series",
    type: "nominal",
    title: null,
    scale: { domain: [measured, fit] },
  };
  return {
    ...figureFrame(options),
    data: { values },
    layer: [
      {
        transform: [{ filter: { field: "series", equal: fit } }],
        mark: { type: "line" },
        encoding: { x, y, color },
      },
      {
        transform: [{ filter: { field: "series", equal: measured } }],
        mark: { type: "point", filled: true, size: 60, opacity: 1, tooltip: true },
        encoding: { x, y, color },
      },
    ],
  } as TopLevelSpec;
}
