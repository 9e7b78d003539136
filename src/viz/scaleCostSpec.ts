import type { TopLevelSpec } from "vega-lite";
import { SERIES_COLORS } from "./FigureOptions.js";

/** One measured run of the scale benchmark: a protocol at a team size, its time and peak memory. */
export interface ScaleCostPoint {
  protocol: string;
  agents: number;
  seconds: number;
  peak_mb: number;
}

/**
 * Time and peak memory against team size, both log-log, one line per protocol
 * (`npm run bench -- scale-curve`): a slope of 1 is linear growth, 2 quadratic,
 * so each protocol's complexity can be read off its line.
 */
export function scaleCostSpec(points: readonly ScaleCostPoint[], title: string): TopLevelSpec {
  const protocols = [...new Set(points.map((p) => p.protocol))];
  const color = {
    field: "protocol",
    type: "nominal",
    title: null,
    scale: {
      domain: protocols,
      range: protocols.map((_, i) => SERIES_COLORS[i % SERIES_COLORS.length]),
    },
    // Whole names ("independent (majority vote)"), not vega's 160-pixel cut.
    legend: { labelLimit: 240 },
  };
  const panel = (field: "seconds" | "peak_mb", yTitle: string) => ({
    width: 300,
    height: 220,
    mark: { type: "line", point: true },
    encoding: {
      x: {
        field: "agents",
        type: "quantitative",
        title: "agents (log scale)",
        scale: { type: "log" },
        axis: { format: "~s", values: [10, 100, 1000, 10000, 100000] },
      },
      y: { field, type: "quantitative", title: yTitle, scale: { type: "log" } },
      color,
      tooltip: [
        { field: "protocol", type: "nominal" },
        { field: "agents", type: "quantitative" },
        { field, type: "quantitative" },
      ],
    },
  });
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title,
    data: { values: points.map((p) => ({ ...p })) },
    hconcat: [
      panel("seconds", "time of one replicate (s, log scale)"),
      panel("peak_mb", "peak memory of the process (MB, log scale)"),
    ],
    config: { font: "sans-serif" },
  } as TopLevelSpec;
}
