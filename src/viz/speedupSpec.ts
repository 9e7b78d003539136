import type { TopLevelSpec } from "vega-lite";
import { type FigureOptions, figureFrame } from "./FigureOptions.js";
import { seriesColor, xAxis } from "./scalingSpec.js";

/** The mean speedup of one structure at one team size. */
export interface SpeedupPoint {
  series: string;
  x: number;
  y: number;
}

/** The legend name of the bound line. */
export const BOUND_LABEL = "work-span bound";

/**
 * Speedup against team size, one line per structure, with the work-span bound
 * (the most any team can reach on the work graph) dashed over them.
 */
export function speedupSpec(
  points: readonly SpeedupPoint[],
  bound: readonly { x: number; value: number }[],
  options: FigureOptions,
): TopLevelSpec {
  const names: string[] = [];
  for (const p of points) if (!names.includes(p.series)) names.push(p.series);
  const domain = bound.length > 0 ? [...names, BOUND_LABEL] : names;
  const values = [
    ...points.map((p) => ({ kind: "sim", series: p.series, x: p.x, y: p.y })),
    ...bound.map((b) => ({ kind: "bound", series: BOUND_LABEL, x: b.x, y: b.value })),
  ];
  const x = xAxis(options);
  const y = { field: "y", type: "quantitative", title: options.yTitle, scale: { zero: false } };
  const color = seriesColor(domain);
  const layer: Record<string, unknown>[] = [
    {
      transform: [{ filter: "datum.kind === 'sim'" }],
      mark: { type: "line", point: true, tooltip: true },
      encoding: { x, y, color },
    },
  ];
  if (bound.length > 0) {
    layer.push({
      transform: [{ filter: "datum.kind === 'bound'" }],
      mark: { type: "line", strokeDash: [6, 4], tooltip: true },
      encoding: { x, y, color },
    });
  }
  return { ...figureFrame(options), data: { values }, layer } as unknown as TopLevelSpec;
}
