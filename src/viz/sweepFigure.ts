import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { TopLevelSpec } from "vega-lite";
import { InputError } from "../core/InputError.js";
import { cdfSpec } from "./cdfSpec.js";
import { paretoSpec } from "./paretoSpec.js";
import { scalingSpec } from "./scalingSpec.js";
import { speedupSpec } from "./speedupSpec.js";
import {
  finite,
  label,
  readResultRows,
  readSummary,
  requireColumn,
  type Table,
  type TableRow,
  tableColumns,
} from "./sweepTable.js";
import { writeFigure } from "./writeFigure.js";

/** The figure kinds of `teamsim plot`. */
export const FIGURE_KINDS = ["scaling", "pareto", "cdf", "speedup"] as const;
/** One of FIGURE_KINDS. */
export type FigureKind = (typeof FIGURE_KINDS)[number];

/** What to draw from a sweep; unset columns take the kind's defaults. */
export interface SweepFigureRequest {
  kind: FigureKind;
  x?: string;
  y?: string;
  color?: string;
  /** Shade the 95% CI (`<metric>.ci95_lo/hi` of the y column's metric); scaling only. */
  band?: boolean;
  /** An analytic curve evaluated at the x values (scaling only). */
  theory?: { label: string; value: (x: number) => number };
  title?: string;
  logX?: boolean;
}

const DEFAULTS: Record<FigureKind, { x: string; y: string; color?: string }> = {
  scaling: { x: "agents.count", y: "accuracy.mean" },
  pareto: { x: "cost_usd.mean", y: "accuracy.mean" },
  cdf: { x: "makespan_s", y: "" },
  speedup: { x: "agents.count", y: "speedup.mean", color: "team.protocol" },
};

/**
 * The vega-lite spec of one figure of a sweep. `path` is a sweep directory or
 * its summary.json/summary.csv (cdf reads the directory's results.jsonl).
 * Unknown columns are InputErrors that list the available ones.
 */
export function sweepFigureSpec(path: string, req: SweepFigureRequest): TopLevelSpec {
  const d = DEFAULTS[req.kind];
  const table = req.kind === "cdf" ? readResultRows(path) : readSummary(path);
  const x = req.x ?? d.x;
  const y = req.y ?? d.y;
  requireColumn(table, x, "--x");
  if (req.kind !== "cdf") requireColumn(table, y, "--y");
  let color = req.color;
  if (color === undefined && d.color !== undefined && tableColumns(table).includes(d.color)) {
    color = d.color;
  }
  if (color !== undefined) requireColumn(table, color, "--color");
  const seriesOf = (row: TableRow, fallback: string) =>
    color === undefined ? fallback : label(row[color]);
  // A column of whole numbers (agents.count, a count per run) gets whole-number ticks.
  const integerX =
    table.rows.length > 0 &&
    table.rows.every((row) => {
      const v = finite(row[x]);
      return v === undefined || Number.isInteger(v);
    });
  const base = { xTitle: x, yTitle: y, logX: req.logX, integerX };

  if (req.kind === "cdf") {
    const groups = new Map<string, number[]>();
    for (const row of table.rows) {
      const v = finite(row[x]);
      if (v === undefined) continue;
      const key = seriesOf(row, x);
      const list = groups.get(key) ?? [];
      list.push(v);
      groups.set(key, list);
    }
    requireData(table, groups.size, x);
    return cdfSpec(
      [...groups].map(([name, samples]) => ({ name, samples })),
      { ...base, yTitle: "fraction of runs", title: req.title ?? `CDF of ${x}` },
    );
  }

  const points = table.rows.flatMap((row) => {
    const px = finite(row[x]);
    const py = finite(row[y]);
    return px === undefined || py === undefined ? [] : [{ row, x: px, y: py }];
  });
  requireData(table, points.length, `${x} and ${y}`);

  if (req.kind === "pareto") {
    return paretoSpec(
      points.map((p) => ({
        series: seriesOf(p.row, "configurations"),
        x: p.x,
        y: p.y,
      })),
      { ...base, title: req.title ?? `${y} vs ${x}: Pareto front` },
    );
  }

  const sorted = [...points].sort((a, b) => a.x - b.x);
  if (req.kind === "speedup") {
    const boundCol = "speedup_bound.mean";
    const bound: { x: number; value: number }[] = [];
    if (tableColumns(table).includes(boundCol)) {
      for (const p of sorted) {
        const b = finite(p.row[boundCol]);
        if (b === undefined) continue;
        const last = bound[bound.length - 1];
        // One bound per team size: the largest (the task is the same across structures).
        if (last !== undefined && last.x === p.x) last.value = Math.max(last.value, b);
        else bound.push({ x: p.x, value: b });
      }
    }
    return speedupSpec(
      sorted.map((p) => ({ series: seriesOf(p.row, y), x: p.x, y: p.y })),
      bound,
      { ...base, title: req.title ?? `${y} vs ${x}` },
    );
  }

  const metric = y.endsWith(".mean") ? y.slice(0, -".mean".length) : undefined;
  if (req.band) {
    if (metric === undefined) {
      throw new InputError("--band", "", undefined, undefined, "a --y column <metric>.mean", y);
    }
    requireColumn(table, `${metric}.ci95_lo`, "--band");
    requireColumn(table, `${metric}.ci95_hi`, "--band");
  }
  const xs = [...new Set(sorted.map((p) => p.x))];
  const theory = req.theory
    ? xs.flatMap((v) => {
        const value = req.theory?.value(v) ?? Number.NaN;
        return Number.isFinite(value) ? [{ x: v, value }] : [];
      })
    : undefined;
  return scalingSpec(
    sorted.map((p) => ({
      series: seriesOf(p.row, y),
      x: p.x,
      y: p.y,
      lo: req.band ? finite(p.row[`${metric}.ci95_lo`]) : undefined,
      hi: req.band ? finite(p.row[`${metric}.ci95_hi`]) : undefined,
    })),
    theory,
    {
      ...base,
      band: req.band,
      theoryLabel: req.theory?.label,
      title: req.title ?? `${y} vs ${x}`,
    },
  );
}

/** Writes one figure of a sweep to `output` (.svg, .png or .html). */
export async function writeSweepFigure(
  path: string,
  req: SweepFigureRequest,
  output: string,
): Promise<void> {
  await writeFigure(sweepFigureSpec(path, req), output);
}

/**
 * The figures a sweep of `axes` gets by default, by name: accuracy against the
 * first numeric axis (coloured by the next), speedup against agents.count if
 * speedup varies, and the cost–accuracy Pareto front; each only where the
 * summary has the numbers (`sweep --plot` and `teamsim report` draw these).
 */
export function defaultSweepFigures(
  dir: string,
  axes: readonly { path: string }[],
): { name: "scaling" | "speedup" | "pareto"; request: SweepFigureRequest }[] {
  const summary = readSummary(dir);
  const columns = tableColumns(summary);
  const numeric = (col: string) =>
    summary.rows.length > 0 && summary.rows.every((r) => finite(r[col]) !== undefined);
  const varies = (col: string) =>
    new Set(summary.rows.map((r) => finite(r[col])).filter((v) => v !== undefined)).size > 1;
  const out: { name: "scaling" | "speedup" | "pareto"; request: SweepFigureRequest }[] = [];
  const xAxisPath = axes.find((a) => columns.includes(a.path) && numeric(a.path))?.path;
  if (xAxisPath !== undefined && numeric("accuracy.mean")) {
    const other = axes.find((a) => a.path !== xAxisPath && columns.includes(a.path))?.path;
    const band = numeric("accuracy.ci95_lo") && numeric("accuracy.ci95_hi");
    out.push({ name: "scaling", request: { kind: "scaling", x: xAxisPath, color: other, band } });
  }
  if (columns.includes("agents.count") && numeric("speedup.mean") && varies("speedup.mean")) {
    const color = axes.find((a) => a.path !== "agents.count" && columns.includes(a.path))?.path;
    out.push({ name: "speedup", request: { kind: "speedup", color } });
  }
  if (numeric("cost_usd.mean") && numeric("accuracy.mean")) {
    const color = axes.find((a) => columns.includes(a.path))?.path;
    out.push({ name: "pareto", request: { kind: "pareto", color } });
  }
  return out;
}

/**
 * The default figures of a finished sweep in DIR/figures/: scaling of
 * accuracy.mean against the first numeric axis (colored by the next axis, if
 * any), speedup against agents.count when speedup varies, and the cost–accuracy
 * Pareto front. Returns the files written, in that order.
 */
export async function writeDefaultSweepFigures(
  dir: string,
  axes: readonly { path: string }[],
): Promise<string[]> {
  const figures = defaultSweepFigures(dir, axes);
  const out = join(dir, "figures");
  mkdirSync(out, { recursive: true });
  const written: string[] = [];
  for (const { name, request } of figures) {
    const file = join(out, `${name}.svg`);
    await writeSweepFigure(dir, request, file);
    written.push(file);
  }
  return written;
}

function requireData(table: Table, count: number, what: string): void {
  if (count === 0) {
    throw new InputError(
      table.source,
      "",
      undefined,
      undefined,
      `numeric values of ${what}`,
      "none",
    );
  }
}
