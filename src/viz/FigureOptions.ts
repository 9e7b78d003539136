import type { TopLevelSpec } from "vega-lite";

/** Titles and axes shared by every figure kind. */
export interface FigureOptions {
  title: string;
  xTitle: string;
  yTitle: string;
  /** Log-scaled x axis (base 2: team sizes 1, 2, 4, 8, ...). */
  logX?: boolean;
  /** x takes whole numbers only (a team size, a count): ticks at whole numbers, no "2.5". */
  integerX?: boolean;
  /** Plot area size in pixels (defaults 480 x 300). */
  width?: number;
  height?: number;
}

/**
 * A font list that browsers and resvg both resolve to a real face: resvg maps a
 * bare "sans-serif" to Arial, and where Arial is missing it falls back to an
 * arbitrary installed font (on Linux often a serif or bold one).
 */
export const FIGURE_FONT = "Helvetica, Arial, DejaVu Sans, Liberation Sans, sans-serif";

/** vega's default categorical palette (tableau10), named so layers can share a color. */
export const SERIES_COLORS = [
  "#4c78a8",
  "#f58518",
  "#e45756",
  "#72b7b2",
  "#54a24b",
  "#eeca3b",
  "#b279a2",
  "#ff9da6",
  "#9d755d",
  "#bab0ac",
] as const;

/** The top-level fields every figure shares: schema, title, size, white background, fonts. */
export function figureFrame(options: FigureOptions): Omit<TopLevelSpec, "mark" | "layer"> {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: options.title,
    width: options.width ?? 480,
    height: options.height ?? 300,
    background: "white",
    padding: 8,
    config: { font: FIGURE_FONT, view: { stroke: null } },
  } as Omit<TopLevelSpec, "mark" | "layer">;
}

/** Axis ticks for a quantity that only takes whole numbers: a step of at least 1, labels without decimals. */
export const INTEGER_TICKS = { tickMinStep: 1, format: ",d" } as const;

/** The x encoding for team size n, linear or log base 2. */
export function teamSizeAxis(options: FigureOptions): Record<string, unknown> {
  return {
    field: "n",
    type: "quantitative",
    title: options.xTitle,
    scale: options.logX ? { type: "log", base: 2 } : { zero: false },
    axis: INTEGER_TICKS,
  };
}
