import type { TopLevelSpec } from "vega-lite";
import { type FigureOptions, figureFrame, INTEGER_TICKS, SERIES_COLORS } from "./FigureOptions.js";

/** One measured point of a series: x, the mean y and optionally its confidence interval. */
export interface ScalingPoint {
  series: string;
  x: number;
  y: number;
  lo?: number;
  hi?: number;
}

/** Scaling figure options: whether to shade the CI and the analytic overlay's legend name. */
export interface ScalingOptions extends FigureOptions {
  band?: boolean;
  theoryLabel?: string;
}

/** A legend-series color scale: series in order, colors from the shared palette. */
export function seriesColor(domain: readonly string[]): Record<string, unknown> {
  return {
    field: "series",
    type: "nominal",
    title: null,
    scale: { domain, range: domain.map((_, i) => SERIES_COLORS[i % SERIES_COLORS.length]) },
    legend: { symbolType: "stroke", symbolStrokeWidth: 2, symbolOpacity: 1 },
  };
}

/** A quantitative x axis over field `x`, linear (no forced zero) or log base 2; whole-number ticks for `integerX`. */
export function xAxis(options: FigureOptions): Record<string, unknown> {
  return {
    field: "x",
    type: "quantitative",
    title: options.xTitle,
    scale: options.logX ? { type: "log", base: 2 } : { zero: false },
    ...(options.integerX ? { axis: INTEGER_TICKS } : {}),
  };
}

/**
 * y against x, one line with dots per series, optionally inside its shaded 95%
 * band, with an optional analytic curve dashed over them.
 */
export function scalingSpec(
  points: readonly ScalingPoint[],
  theory: readonly { x: number; value: number }[] | undefined,
  options: ScalingOptions,
): TopLevelSpec {
  const names: string[] = [];
  for (const p of points) if (!names.includes(p.series)) names.push(p.series);
  const ref = options.theoryLabel ?? "theory";
  const withTheory = theory !== undefined && theory.length > 0;
  const domain = withTheory ? [...names, ref] : names;
  const values = [
    ...points.map((p) => ({ kind: "sim", series: p.series, x: p.x, y: p.y, lo: p.lo, hi: p.hi })),
    ...(theory ?? []).map((p) => ({ kind: "theory", series: ref, x: p.x, y: p.value })),
  ];
  const x = xAxis(options);
  const y = { field: "y", type: "quantitative", title: options.yTitle, scale: { zero: false } };
  const color = seriesColor(domain);
  const layer: Record<string, unknown>[] = [];
  if (options.band) {
    layer.push({
      transform: [{ filter: "datum.kind === 'sim' && isValid(datum.lo) && isValid(datum.hi)" }],
      mark: { type: "area", opacity: 0.2 },
      encoding: {
        x,
        y: { field: "lo", type: "quantitative", title: options.yTitle, scale: { zero: false } },
        y2: { field: "hi" },
        color,
      },
    });
  }
  layer.push({
    transform: [{ filter: "datum.kind === 'sim'" }],
    mark: { type: "line", point: true, tooltip: true },
    encoding: { x, y, color },
  });
  if (withTheory) {
    layer.push({
      transform: [{ filter: "datum.kind === 'theory'" }],
      mark: { type: "line", strokeDash: [6, 4], tooltip: true },
      encoding: { x, y, color },
    });
  }
  return { ...figureFrame(options), data: { values }, layer } as unknown as TopLevelSpec;
}
