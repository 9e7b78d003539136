import type { Piscina } from "piscina";
import type { ModelProfile } from "../agents/ModelProfile.js";
import type { Trace } from "../core/Trace.js";
import type { LoadedScenario } from "../scenario/loadScenario.js";
import type { Scenario } from "../scenario/ScenarioSchema.js";
import { digestReplicate, type ReplicateDigest } from "./digestReplicate.js";
import type { RunReport } from "./RunReport.js";
import { RunTally } from "./RunTally.js";
import type { ReplicateTask } from "./replicateWorker.js";
import { REPLICATE_WORKER } from "./replicateWorkerUrl.js";
import { runOnPool } from "./runOnPool.js";

/** What every worker of a run gets once: the validated scenario and the model profiles. */
export interface ReplicateJob {
  scenario: Scenario;
  profiles: Map<string, ModelProfile>;
}

/** Options of runScenarioOnPool. */
export interface RunOnPoolOptions {
  /** Threads running replicates, this one included (at most one per replicate). */
  workers: number;
  /** Trace of the first replicate: that replicate runs in this thread, as with one worker. */
  trace?: Trace;
  /** Called as replicates finish (in any order): how many are done of how many. */
  onProgress?: (done: number, total: number) => void;
  /** Stops at once (an interrupt): the replicates in flight are abandoned. */
  signal?: AbortSignal;
  /**
   * Worker threads already started for this run (cli/earlyPool.ts), offered for
   * a number of threads running replicateWorker.js; used if that is how many
   * the run needs besides this one, and left running.
   */
  pool?: (threads: number) => Piscina | undefined;
}

/** A run on the pool: its report, or none if `signal` stopped it first; replicates done either way. */
export interface PoolRun {
  report: RunReport | undefined;
  done: number;
}

/**
 * Runs every replicate of one scenario configuration on worker threads (the
 * pool `sweep` uses) and summarizes them exactly as runScenario does (the
 * tally adds them in replicate order), so the report is byte-identical for
 * any number of workers.
 */
export async function runScenarioOnPool(
  loaded: LoadedScenario,
  options: RunOnPoolOptions,
): Promise<PoolRun> {
  const { scenario, profiles } = loaded;
  const n = scenario.replicates;
  const tally = new RunTally(scenario, n);
  const finish = (r: number, digest: ReplicateDigest) => {
    tally.put(r, digest);
    options.onProgress?.(tally.received, n);
  };
  // A trace is written by the thread that owns its file; the workers run the rest.
  const firstOnPool = options.trace === undefined ? 0 : 1;
  const tasks = Array.from({ length: n - firstOnPool }, (_, i) => firstOnPool + i);
  // One stop for both: an interrupt, or an error in this thread's replicate.
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  if (options.signal?.aborted) stop.abort();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  const pooled =
    tasks.length === 0
      ? Promise.resolve()
      : runOnPool<number, ReplicateDigest>({
          worker: REPLICATE_WORKER,
          message: (batch): ReplicateTask => ({ job: { scenario, profiles }, batch }),
          pool: options.pool,
          tasks,
          workers: Math.min(options.workers, tasks.length),
          record: (batch, digests) => batch.forEach((r, k) => finish(r, digests[k])),
          signal: stop.signal,
          // This thread runs replicates too: the workers' start-up is not lost.
          local: (batch) => batch.map((r) => digestReplicate(scenario, profiles, r)),
        });
  try {
    // The pool has its first batches by now: this replicate runs while the workers start.
    if (options.trace !== undefined && !stop.signal.aborted)
      finish(0, digestReplicate(scenario, profiles, 0, options.trace));
    await pooled;
  } catch (e) {
    stop.abort();
    await pooled.catch(() => {});
    throw e;
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
  }
  const done = tally.received;
  return { report: done === n ? tally.report(loaded.input) : undefined, done };
}
