import { existsSync, statSync } from "node:fs";
import { InputError } from "../core/InputError.js";
import type { ResultLine } from "./ResultsFile.js";
import { ResultsAppender, withChecksum, writeFileAtomic } from "./ResultsFile.js";
import { reconcileResults } from "./reconcileResults.js";
import { runOnPool } from "./runOnPool.js";
import { type Shard, shardTasks } from "./Shard.js";
import { openSweepDir, readManifest, sweepFiles, writeSummaries } from "./SweepDirectory.js";
import { extensionProblem, historyEntry, type SweepManifest } from "./SweepManifest.js";
import type { SweepPlan } from "./SweepPlan.js";
import { type SweepJob, type SweepTask, SweepTaskRunner } from "./sweepTask.js";

/** Tasks per pool message (the pool is shared with `run`). */
export { batchSize } from "./runOnPool.js";

/** Progress of a sweep: runs done of this shard's total, and points with all their runs done. */
export interface SweepProgress {
  done: number;
  total: number;
  pointsDone: number;
  points: number;
}

/** Dropped lines of a results file reported one by one; past this, a count. */
const MAX_WARNINGS = 10;

/** Options of runSweep. */
export interface RunSweepOptions {
  dir: string;
  plan: SweepPlan;
  manifest: SweepManifest;
  shard: Shard | undefined;
  /** Worker threads; 1 runs in this thread. */
  workers: number;
  resume: boolean;
  /**
   * The resolved scenario: with it, `--resume` may extend a directory whose sweep
   * this one grows (more replicates, more axis values); without it, it may not.
   */
  resolved?: unknown;
  onProgress?: (p: SweepProgress) => void;
  /** Told each line of the results file that is dropped and rerun (tampered, truncated, ...). */
  onWarning?: (message: string) => void;
  /** Stops the sweep at the next finished run (an interrupt): what is done stays saved. */
  signal?: AbortSignal;
}

/** What a sweep did. */
export interface SweepOutcome {
  /** Runs of this shard already in DIR (resumed). */
  skipped: number;
  ran: number;
  results: number;
}

/** What a sweep did, and what else happened: interrupted, lines dropped, extended. */
export interface SweepReport extends SweepOutcome {
  /** Stopped by `signal` before the end: no summaries were written. */
  interrupted: boolean;
  /** Runs of this shard saved in DIR, and how many it has in all. */
  saved: number;
  total: number;
  /** Lines of results.jsonl dropped and rerun. */
  dropped: number;
  /** The directory held a smaller sweep that this one extended. */
  extended: boolean;
}

/**
 * Runs the shard's (point, replicate) tasks not yet in DIR, appending each
 * result line (with its checksum) as it finishes (in completion order; the
 * sorted set is the same for any number of workers), then writes the
 * summaries and the manifest. Resuming, lines that cannot be trusted are
 * reported and rerun, and a directory of a smaller sweep of the same scenario
 * is extended (its manifest's history keeps what it was).
 */
export async function runSweep(options: RunSweepOptions): Promise<SweepReport> {
  const { dir, plan } = options;
  const { manifest, extended } = prepareDir(options);
  // An extension writes its manifest first, so that openSweepDir finds this
  // sweep's; if it is killed before renumbering the results, the next resume
  // renumbers them (reconcileResults goes by each line's params).
  if (extended) writeFileAtomic(sweepFiles(dir).manifest, `${JSON.stringify(manifest, null, 2)}\n`);
  const read = openSweepDir(dir, manifest, options.resume);
  const fitted = reconcileResults(read, manifest);
  // One warning per dropped line, but not thousands of them for a mangled file.
  for (const p of fitted.problems.slice(0, MAX_WARNINGS))
    options.onWarning?.(
      `${sweepFiles(dir).results}:${p.line}: ${p.what}; dropped, its run is done again`,
    );
  if (fitted.problems.length > MAX_WARNINGS)
    options.onWarning?.(
      `${sweepFiles(dir).results}: ${fitted.problems.length - MAX_WARNINGS} more lines dropped (${fitted.problems.length} in all); their runs are done again`,
    );
  let validBytes = read.validBytes;
  if (fitted.rewrite) {
    const text = fitted.lines.map((l) => `${l.text}\n`).join("");
    writeFileAtomic(sweepFiles(dir).results, text);
    validBytes = Buffer.byteLength(text);
  }
  writeFileAtomic(sweepFiles(dir).manifest, `${JSON.stringify(manifest, null, 2)}\n`);
  const R = manifest.replicates;
  const mine = shardTasks(manifest.tasks, options.shard);
  const have = new Set(fitted.lines.map((l) => l.point * R + l.replicate));
  const todo: SweepTask[] = mine
    .filter((t) => !have.has(t))
    .map((t) => ({ point: Math.floor(t / R), replicate: t % R }));
  const lines: ResultLine[] = [...fitted.lines];
  // Runs left per point, to count points done for the progress bar.
  const left = new Map<number, number>();
  for (const t of mine)
    if (!have.has(t)) left.set(Math.floor(t / R), (left.get(Math.floor(t / R)) ?? 0) + 1);
  const pointsOfShard = new Set(mine.map((t) => Math.floor(t / R))).size;
  const progress: SweepProgress = {
    done: mine.length - todo.length,
    total: mine.length,
    pointsDone: pointsOfShard - left.size,
    points: pointsOfShard,
  };
  const out = new ResultsAppender(sweepFiles(dir).results, validBytes);
  // Records finished runs: one write for the batch, one progress update.
  const record = (tasks: readonly SweepTask[], results: readonly string[]) => {
    const texts = results.map(withChecksum);
    out.appendAll(texts);
    tasks.forEach((task, k) => {
      lines.push({ point: task.point, replicate: task.replicate, text: texts[k] });
      progress.done++;
      const rest = (left.get(task.point) ?? 1) - 1;
      if (rest === 0) {
        left.delete(task.point);
        progress.pointsDone++;
      } else left.set(task.point, rest);
    });
    options.onProgress?.({ ...progress });
  };
  options.onProgress?.({ ...progress });
  const job: SweepJob = {
    base: plan.base,
    points: plan.points.map((p) => ({ sets: p.sets, params: p.params })),
  };
  const signal = options.signal;
  try {
    if (options.workers <= 1) {
      const runner = new SweepTaskRunner(job);
      for (const task of todo) {
        if (signal?.aborted) break;
        record([task], [runner.run(task)]);
        // Let timers (progress lines) and signals through between runs.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } else {
      let local: SweepTaskRunner | undefined;
      await runOnPool({
        worker: new URL("./sweepWorker.js", import.meta.url),
        workerData: job,
        tasks: todo,
        workers: options.workers,
        record,
        signal,
        // This thread runs tasks too, while the workers load.
        local: (batch) => {
          local ??= new SweepTaskRunner(job);
          const runner = local;
          return batch.map((task) => runner.run(task));
        },
      });
    }
  } finally {
    out.close();
  }
  const report = {
    skipped: mine.length - todo.length,
    ran: progress.done - (mine.length - todo.length),
    results: lines.length,
    interrupted: signal?.aborted === true && progress.done < progress.total,
    saved: progress.done,
    total: progress.total,
    dropped: fitted.problems.length,
    extended,
  };
  if (!report.interrupted) writeSummaries(dir, lines, manifest);
  return report;
}

/**
 * Checks what DIR holds against the sweep about to run in it, before anything
 * is written: a manifest that is not one is an error naming it; a directory
 * of another sweep of the same scenario that this one grows is extended when
 * resuming (the manifest returned records the old one in its history) and
 * refused otherwise; any other sweep is refused with what differs and what
 * may change. A directory of this very sweep is left to openSweepDir.
 */
function prepareDir(options: RunSweepOptions): { manifest: SweepManifest; extended: boolean } {
  const { dir, manifest } = options;
  const old = existsSync(dir) && statSync(dir).isDirectory() ? readManifest(dir) : undefined;
  if (old === undefined) return { manifest, extended: false };
  // The history of an extended directory outlives the resumes that finish it.
  const history = old.history === undefined ? {} : { history: old.history };
  if (old.scenario_hash === manifest.scenario_hash)
    return { manifest: { ...manifest, ...history }, extended: false };
  const why =
    options.resolved === undefined
      ? "its scenario or sweep differs"
      : extensionProblem(old, manifest, options.resolved);
  const grows = `${old.points} -> ${manifest.points} points, ${old.replicates} -> ${manifest.replicates} replicates`;
  if (why === undefined && !options.resume) {
    throw new InputError(
      dir,
      "",
      undefined,
      undefined,
      `an empty or new directory (add --resume to extend the sweep in it: ${grows})`,
      `a sweep of ${old.points} points x ${old.replicates} replicates`,
    );
  }
  if (why !== undefined) {
    throw new InputError(
      dir,
      "",
      undefined,
      undefined,
      `a sweep directory of this scenario and sweep (hash ${manifest.scenario_hash.slice(0, 12)}), or of one that --resume extends (more replicates, more values on the same axes; nothing else may change)`,
      `hash ${old.scenario_hash.slice(0, 12)} (${old.scenario_name}): ${why}; the results cannot be mixed, use another --out`,
    );
  }
  return {
    manifest: { ...manifest, history: [...(old.history ?? []), historyEntry(old)] },
    extended: true,
  };
}
