import type { TopLevelSpec } from "vega-lite";
import { type FigureOptions, figureFrame } from "./FigureOptions.js";
import { seriesColor, xAxis } from "./scalingSpec.js";

/** The samples of one series (e.g. makespans of every replicate at one configuration). */
export interface CdfSeries {
  name: string;
  samples: readonly number[];
}

/** The empirical CDF's steps: each distinct sample with the fraction of samples at or below it. */
export function empiricalCdf(samples: readonly number[]): { x: number; p: number }[] {
  const sorted = [...samples].sort((a, b) => a - b);
  const out: { x: number; p: number }[] = [];
  sorted.forEach((v, i) => {
    const p = (i + 1) / sorted.length;
    if (out.length > 0 && out[out.length - 1].x === v) out[out.length - 1].p = p;
    else out.push({ x: v, p });
  });
  return out;
}

/** One empirical CDF per series, drawn as a step line from 0 to 1. */
export function cdfSpec(series: readonly CdfSeries[], options: FigureOptions): TopLevelSpec {
  const values = series.flatMap((s) =>
    empiricalCdf(s.samples).map((p, i) => ({ series: s.name, order: i, x: p.x, y: p.p })),
  );
  return {
    ...figureFrame(options),
    data: { values },
    mark: { type: "line", interpolate: "step-after", tooltip: true },
    encoding: {
      x: xAxis(options),
      y: { field: "y", type: "quantitative", title: options.yTitle, scale: { domain: [0, 1] } },
      order: { field: "order", type: "quantitative" },
      color: seriesColor(series.map((s) => s.name)),
    },
  } as TopLevelSpec;
}
