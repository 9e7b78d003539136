import { readFileSync } from "node:fs";
import { stringify } from "yaml";
import type { Verdict } from "../checkers/Verdict.js";
import { InputError } from "../core/InputError.js";
import type { Trace, TraceEvent } from "../core/Trace.js";
import { type LoadedScenario, loadScenario, loadScenarioFrom } from "../scenario/loadScenario.js";
import { parseSourceText } from "../scenario/validateYaml.js";
import { DIAGRAM_STATE_EVENTS } from "./diagramStateEvents.js";
import { replicateNumber } from "./replicateNumber.js";
import { runReplicate } from "./runReplicate.js";
import { type RunReport, runScenario } from "./runScenario.js";
import type { SweepAxis } from "./SweepAxis.js";
import { readManifest, sweepFiles } from "./SweepDirectory.js";

/** The events one report keeps at most (a longer trace is cut, with a note). */
export const MAX_REPORT_EVENTS = 200_000;

/**
 * A trace that keeps only the events in a time window, and at most `cap` of
 * them (run_start always), so a long run cannot exhaust memory; `total` counts
 * every event in the window, kept or not.
 */
export class WindowedTrace implements Trace {
  readonly enabled = true;
  readonly events: TraceEvent[] = [];
  total = 0;
  constructor(
    private readonly cap: number,
    private readonly from = Number.NEGATIVE_INFINITY,
    private readonly to = Number.POSITIVE_INFINITY,
  ) {}
  /** Keeps `event` if it is in the window and the cap is not reached. */
  record(event: TraceEvent): void {
    if (event.type === "run_start") {
      this.events.push(event);
      return;
    }
    if (event.t > this.to) return;
    if (event.t < this.from) {
      // A few events before the window still shape it (a partition, a term, a crash).
      if (DIAGRAM_STATE_EVENTS.has(event.type)) this.events.push(event);
      return;
    }
    this.total++;
    if (this.total <= this.cap) this.events.push(event);
  }
}

/** The replicate drawn as a space-time diagram. */
export interface TracedReplicate {
  replicate: number;
  /** For a sweep: the point drawn, as `path=value` assignments. */
  point: string[];
  events: TraceEvent[];
  /** Events in the window, including those beyond the cap that were not kept. */
  total: number;
  cap: number;
  verdicts: Verdict[];
}

/** What `teamsim report` shows, collected before any HTML is written. */
export interface ReportData {
  name: string;
  /** The scenario as written (the file's text, or YAML of it after overrides). */
  scenarioText: string;
  /** A scenario's run (absent for a sweep directory). */
  run?: { report: RunReport; makespans: number[]; costs: number[] };
  /** A sweep directory's path and axes (absent for a scenario). */
  sweep?: { dir: string; axes: SweepAxis[]; replicates: number };
  traced: TracedReplicate;
}

/** How to build a report. */
export interface BuildReportOptions {
  sets?: readonly string[];
  /** Which replicate to draw (default 0). */
  replicate?: number;
  from?: number;
  to?: number;
  maxEvents?: number;
  onProgress?: (done: number, total: number) => void;
}

/** Runs a scenario's replicates for the summary and traces one of them for the diagram. */
export function buildScenarioReport(file: string, options: BuildReportOptions = {}): ReportData {
  const sets = options.sets ?? [];
  const loaded = loadScenario(file, { sets });
  const traced = traceReplicate(loaded, [], options);
  const { report, runs } = runScenario(loaded, { keepRuns: true, onProgress: options.onProgress });
  const scenarioText = sets.length === 0 ? readFileSync(file, "utf8") : stringify(loaded.input);
  return {
    name: loaded.scenario.name,
    scenarioText,
    run: {
      report,
      makespans: runs.map((r) => r.makespan_s),
      costs: runs.map((r) => r.cost_usd),
    },
    traced,
  };
}

/**
 * Reads a sweep directory's manifest (its scenario and axes) and traces one
 * replicate of its first point for the diagram; the figures come from its summary.
 */
export function buildSweepReport(dir: string, options: BuildReportOptions = {}): ReportData {
  const manifest = readManifest(dir);
  if (manifest === undefined) {
    throw new InputError(
      dir,
      "",
      undefined,
      undefined,
      "a scenario file or a sweep directory (with manifest.json)",
      "a directory without manifest.json",
    );
  }
  const src = parseSourceText(sweepFiles(dir).manifest, JSON.stringify(manifest.scenario));
  // The first value of each axis: the sweep's first point.
  const point = manifest.sweep.map((a) => `${a.path}=${JSON.stringify(a.values[0])}`);
  const loaded = loadScenarioFrom(src, { sets: [...point, ...(options.sets ?? [])] });
  return {
    name: manifest.scenario_name,
    scenarioText: stringify({
      ...(manifest.scenario as object),
      sweep: sweepBlock(manifest.sweep),
    }),
    sweep: { dir, axes: manifest.sweep, replicates: manifest.replicates },
    traced: traceReplicate(loaded, point, options),
  };
}

function sweepBlock(axes: readonly SweepAxis[]): Record<string, unknown[]> {
  return Object.fromEntries(axes.map((a) => [a.path, a.values]));
}

function traceReplicate(
  loaded: LoadedScenario,
  point: string[],
  options: BuildReportOptions,
): TracedReplicate {
  const replicate = replicateNumber(options.replicate ?? 0, loaded.scenario.replicates);
  const cap = options.maxEvents ?? MAX_REPORT_EVENTS;
  const trace = new WindowedTrace(cap, options.from, options.to);
  const { verdicts } = runReplicate(loaded.scenario, loaded.profiles, replicate, {
    trace,
    noBaseline: true,
  });
  return { replicate, point, events: trace.events, total: trace.total, cap, verdicts };
}
