import type { TopLevelSpec } from "vega-lite";
import { type FigureOptions, figureFrame, teamSizeAxis } from "./FigureOptions.js";

/** One named curve: a value per team size. */
export interface CurveSeries {
  name: string;
  points: readonly { n: number; value: number }[];
}

/** The most points per series drawn with a dot each. */
export const MAX_DOTS = 40;

/**
 * A line chart with points of value against team size; several series are
 * overlaid and told apart by color (with a legend), one series draws no legend.
 */
export function curveSpec(series: readonly CurveSeries[], options: FigureOptions): TopLevelSpec {
  const values = series.flatMap((s) =>
    s.points.map((p) => ({ series: s.name, n: p.n, value: p.value })),
  );
  const several = series.length > 1;
  // Dots mark the evaluated team sizes; past a few dozen they only blur the line.
  const dots = Math.max(0, ...series.map((s) => s.points.length)) <= MAX_DOTS;
  return {
    ...figureFrame(options),
    data: { values },
    mark: { type: "line", point: dots, tooltip: true },
    encoding: {
      x: teamSizeAxis(options),
      y: { field: "value", type: "quantitative", title: options.yTitle, scale: { zero: false } },
      ...(several
        ? {
            color: {
              field: "series",
              type: "nominal",
              title: null,
              sort: series.map((s) => s.name),
            },
          }
        : {}),
    },
  } as TopLevelSpec;
}
