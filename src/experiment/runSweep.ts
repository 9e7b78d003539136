import { Piscina } from "piscina";
import type { ResultLine } from "./ResultsFile.js";
import { ResultsAppender, writeFileAtomic } from "./ResultsFile.js";
import { type Shard, shardTasks } from "./Shard.js";
import { openSweepDir, sweepFiles, writeSummaries } from "./SweepDirectory.js";
import type { SweepManifest } from "./SweepManifest.js";
import type { SweepPlan } from "./SweepPlan.js";
import { type SweepJob, type SweepTask, SweepTaskRunner } from "./sweepTask.js";

/** Progress of a sweep: runs done of this shard's total, and points with all their runs done. */
export interface SweepProgress {
  done: number;
  total: number;
  pointsDone: number;
  points: number;
}

/** Options of runSweep. */
export interface RunSweepOptions {
  dir: string;
  plan: SweepPlan;
  manifest: SweepManifest;
  shard: Shard | undefined;
  /** Worker threads; 1 runs in this thread. */
  workers: number;
  resume: boolean;
  onProgress?: (p: SweepProgress) => void;
}

/** What a sweep did. */
export interface SweepOutcome {
  /** Runs of this shard already in DIR (resumed). */
  skipped: number;
  ran: number;
  results: number;
}

/**
 * Runs the shard's (point, replicate) tasks not yet in DIR, appending each
 * result line as it finishes (in completion order; the sorted set is the same
 * for any number of workers), then writes the summaries and the manifest.
 */
export async function runSweep(options: RunSweepOptions): Promise<SweepOutcome> {
  const { dir, plan, manifest } = options;
  const existing = openSweepDir(dir, manifest, options.resume);
  writeFileAtomic(sweepFiles(dir).manifest, `${JSON.stringify(manifest, null, 2)}\n`);
  const R = plan.replicates;
  const mine = shardTasks(plan.points.length * R, options.shard);
  const have = new Set(existing.lines.map((l) => l.point * R + l.replicate));
  const todo: SweepTask[] = mine
    .filter((t) => !have.has(t))
    .map((t) => ({ point: Math.floor(t / R), replicate: t % R }));
  const lines: ResultLine[] = [...existing.lines];
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
  const out = new ResultsAppender(sweepFiles(dir).results, existing.validBytes);
  // Records finished runs: one write for the batch, one progress update.
  const record = (tasks: readonly SweepTask[], texts: readonly string[]) => {
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
  try {
    if (options.workers <= 1) {
      const runner = new SweepTaskRunner(job);
      for (const task of todo) {
        record([task], [runner.run(task)]);
        // Let timers (progress lines) and signals through between runs.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } else {
      await runOnPool(job, todo, options.workers, record);
    }
  } finally {
    out.close();
  }
  writeSummaries(dir, lines, manifest);
  return { skipped: mine.length - todo.length, ran: todo.length, results: lines.length };
}

/**
 * Tasks per pool message: a run takes well under a millisecond, so single-run
 * messages leave the workers waiting on the main thread; batches of up to 64
 * runs, but small enough that every worker gets ~16 batches (load balance, and
 * little lost to a kill).
 */
export function batchSize(tasks: number, workers: number): number {
  return Math.max(1, Math.min(64, Math.floor(tasks / (workers * 16))));
}

async function runOnPool(
  job: SweepJob,
  todo: readonly SweepTask[],
  workers: number,
  record: (tasks: readonly SweepTask[], texts: readonly string[]) => void,
): Promise<void> {
  const pool = new Piscina({
    filename: new URL("./sweepWorker.js", import.meta.url).href,
    workerData: job,
    minThreads: workers,
    maxThreads: workers,
  });
  try {
    const size = batchSize(todo.length, workers);
    // A bounded window of batches in flight keeps memory flat on big sweeps.
    let next = 0;
    const window = workers * 4;
    const lane = async (): Promise<void> => {
      while (next < todo.length) {
        const batch = todo.slice(next, next + size);
        next += batch.length;
        const texts = (await pool.run(batch)) as string[];
        record(batch, texts);
      }
    };
    await Promise.all(Array.from({ length: Math.min(window, todo.length) }, lane));
  } finally {
    await pool.destroy();
  }
}
