import { Piscina } from "piscina";

/** A job for a pool of worker threads: a worker module, what every worker gets once, the tasks. */
export interface PoolJob<T, R> {
  /**
   * The worker module (built, `.js`): its default export takes a batch of tasks
   * and returns their results in batch order.
   */
  worker: URL;
  /** Sent once to every worker (structured-cloned): the scenario or sweep it runs. */
  workerData: unknown;
  tasks: readonly T[];
  workers: number;
  /** Called with each finished batch and its results, in completion order. */
  record: (batch: readonly T[], results: R[]) => void;
  /** Stops at once (an interrupt): batches in flight are abandoned, the pool destroyed. */
  signal?: AbortSignal;
  /** Tasks per batch (default batchSize(tasks, workers)). */
  batch?: number;
}

/**
 * Tasks per pool message: a sweep's run takes well under a millisecond, so
 * single-run messages leave the workers waiting on the main thread; batches of
 * up to 64 runs, but small enough that every worker gets ~16 batches (load
 * balance, and little lost to a kill).
 */
export function batchSize(tasks: number, workers: number): number {
  return Math.max(1, Math.min(64, Math.floor(tasks / (workers * 16))));
}

/**
 * Runs `tasks` in batches on `workers` worker threads (the one pool of `sweep`
 * and `run`), handing each finished batch to `record` as it arrives. Returns
 * when every batch is recorded, or as soon as `signal` aborts.
 */
export async function runOnPool<T, R>(job: PoolJob<T, R>): Promise<void> {
  const { tasks, workers, signal } = job;
  const pool = new Piscina({
    filename: job.worker.href,
    workerData: job.workerData,
    minThreads: workers,
    maxThreads: workers,
  });
  try {
    const size = job.batch ?? batchSize(tasks.length, workers);
    // A bounded window of batches in flight keeps memory flat on big jobs.
    let next = 0;
    const window = workers * 4;
    // An interrupt abandons the batches in flight (a sweep reruns them on
    // --resume) rather than waiting for them: the pool is destroyed right after.
    const stopped = new Promise<undefined>((resolve) => {
      if (signal?.aborted) resolve(undefined);
      signal?.addEventListener("abort", () => resolve(undefined), { once: true });
    });
    const lane = async (): Promise<void> => {
      while (next < tasks.length && signal?.aborted !== true) {
        const batch = tasks.slice(next, next + size);
        next += batch.length;
        const running = pool.run(batch) as Promise<R[]>;
        running.catch(() => {});
        const results = await Promise.race([running, stopped]);
        if (results === undefined) return;
        job.record(batch, results);
      }
    };
    await Promise.all(Array.from({ length: Math.min(window, tasks.length) }, lane));
  } finally {
    await pool.destroy();
  }
}
