import type { Trace } from "../core/Trace.js";
import type { RunResult } from "../metrics/RunResult.js";
import type { LoadedScenario } from "../scenario/loadScenario.js";
import { digestReplicate } from "./digestReplicate.js";
import type { RunReport } from "./RunReport.js";
import { RunTally } from "./RunTally.js";

export type { LivenessTally, RunReport, ViolationReport } from "./RunReport.js";

/** Options of runScenario. */
export interface RunScenarioOptions {
  /** Trace of the first replicate. */
  trace?: Trace;
  /** Called after each replicate (for progress bars). */
  onProgress?: (done: number, total: number) => void;
  /** Keep every replicate's RunResult in the return value. */
  keepRuns?: boolean;
  /** Run only this replicate (to reproduce a reported violation); its trace is the one written. */
  only?: number;
}

/** Runs every replicate of one scenario configuration in this thread and summarizes them. */
export function runScenario(
  loaded: LoadedScenario,
  options: RunScenarioOptions = {},
): { report: RunReport; runs: RunResult[] } {
  const { scenario, profiles } = loaded;
  const only = options.only;
  const n = only === undefined ? scenario.replicates : 1;
  const first = only ?? 0;
  const tally = new RunTally(scenario, n, first);
  const runs: RunResult[] = [];
  for (let i = 0; i < n; i++) {
    const digest = digestReplicate(
      scenario,
      profiles,
      first + i,
      i === 0 ? options.trace : undefined,
    );
    tally.put(first + i, digest);
    if (options.keepRuns) runs.push(digest.result);
    options.onProgress?.(i + 1, n);
  }
  return { report: tally.report(loaded.input, only), runs };
}
