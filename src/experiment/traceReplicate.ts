import { MemoryTrace, type TraceEvent } from "../core/Trace.js";
import type { RunResult } from "../metrics/RunResult.js";
import type { LoadedScenario } from "../scenario/loadScenario.js";
import type { RunReport } from "./RunReport.js";
import { runScenario } from "./runScenario.js";

/** One replicate with its whole event trace. */
export interface TracedReplicate {
  /** The replicate's events in order: sends, deliveries, calls, crashes, decisions, run_end. */
  events: TraceEvent[];
  /** Its measurements. */
  result: RunResult;
  /** The report of this replicate alone (what `teamsim run --replicate r --json` prints). */
  report: RunReport;
}

/**
 * Runs replicate `replicate` (0-based) of the scenario with its trace kept in
 * memory: the events `teamsim run --replicate r --trace FILE` writes, for a
 * space-time diagram or a closer look at one run.
 */
export function traceReplicate(loaded: LoadedScenario, replicate = 0): TracedReplicate {
  const last = loaded.scenario.replicates - 1;
  if (!Number.isInteger(replicate) || replicate < 0 || replicate > last) {
    throw new RangeError(`no replicate ${replicate}: the scenario has replicates 0 to ${last}`);
  }
  const trace = new MemoryTrace();
  const { report, runs } = runScenario(loaded, { trace, only: replicate, keepRuns: true });
  return { events: trace.events, result: runs[0], report };
}
