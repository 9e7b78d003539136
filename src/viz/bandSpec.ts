import type { TopLevelSpec } from "vega-lite";
import { type FigureOptions, figureFrame, SERIES_COLORS, teamSizeAxis } from "./FigureOptions.js";

/** A measured mean with its confidence interval at one team size. */
export interface BandPoint {
  n: number;
  mean: number;
  lo: number;
  hi: number;
}

/** Names of the band and the optional reference line in the legend. */
export interface BandOptions extends FigureOptions {
  bandLabel?: string;
  theoryLabel?: string;
}

/**
 * A mean line inside its shaded confidence band, with an optional dashed
 * reference curve (a closed form) over it: the shape of "theory vs simulation".
 */
export function bandSpec(
  points: readonly BandPoint[],
  theory: readonly { n: number; value: number }[] | undefined,
  options: BandOptions,
): TopLevelSpec {
  const band = options.bandLabel ?? "simulated (95% CI)";
  const ref = options.theoryLabel ?? "theory";
  const values = [
    ...points.map((p) => ({ series: band, n: p.n, value: p.mean, lo: p.lo, hi: p.hi })),
    ...(theory ?? []).map((p) => ({ series: ref, n: p.n, value: p.value })),
  ];
  const domain = theory === undefined ? [band] : [band, ref];
  // Explicit colors, so the band can be painted in its line's color without
  // joining the legend (an area's legend symbol would be a pale blob).
  const range = domain.map((_, i) => SERIES_COLORS[i]);
  const color = {
    field: "series",
    type: "nominal",
    title: null,
    scale: { domain, range },
    legend: { symbolType: "stroke", symbolStrokeWidth: 2 },
  };
  const x = teamSizeAxis(options);
  return {
    ...figureFrame(options),
    data: { values },
    layer: [
      {
        transform: [{ filter: { field: "series", equal: band } }],
        mark: { type: "area", opacity: 0.25 },
        encoding: {
          x,
          y: { field: "lo", type: "quantitative", title: options.yTitle, scale: { zero: false } },
          y2: { field: "hi" },
          color: { value: SERIES_COLORS[0] },
        },
      },
      {
        mark: { type: "line", point: true, tooltip: true },
        encoding: {
          x,
          y: { field: "value", type: "quantitative", title: options.yTitle },
          color,
          strokeDash: {
            field: "series",
            type: "nominal",
            title: null,
            scale: { domain, range: domain.map((s) => (s === band ? [1, 0] : [6, 4])) },
          },
        },
      },
    ],
  } as TopLevelSpec;
}
