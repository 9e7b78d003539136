import { Piscina } from "piscina";

/** A job for a pool of worker threads: a worker module, what every worker gets once, the tasks. */
export interface PoolJob<T, R> {
  /**
   * The worker module (built, `.js`): its default export takes a batch of tasks
   * and returns their results in batch order.
   */
  worker: URL;
  /** Sent once to every worker the pool starts (structured-cloned): the scenario or sweep it runs. */
  workerData?: unknown;
  /** What a worker is sent for a batch (default: the batch itself). */
  message?: (batch: T[]) => unknown;
  /**
   * Worker threads started before this job was known, offered for `threads`
   * threads running `worker` (see cli/earlyPool.ts): used if given, in place of
   * a new pool, and left running for their owner to stop. They get no
   * workerData, so `message` must carry what a batch needs.
   */
  pool?: (threads: number) => Piscina | undefined;
  tasks: readonly T[];
  /** Threads that run tasks, this one included when `local` is given. */
  workers: number;
  /** Called with each finished batch and its results, in completion order. */
  record: (batch: readonly T[], results: R[]) => void;
  /** Stops at once (an interrupt): batches in flight are abandoned, the pool destroyed. */
  signal?: AbortSignal;
  /** Tasks per batch (default batchSize(tasks, workers)). */
  batch?: number;
  /**
   * Runs a batch in this thread, exactly as the worker module would. Given, this
   * thread is one of the `workers`: it takes tasks from the same queue while the
   * pool's threads start (so their start-up, about half a second of loading
   * and JIT warm-up, is not lost), and the pool gets one thread fewer.
   */
  local?: (batch: readonly T[]) => R[];
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

/** Resolves after the event loop has run once (pool replies, timers, signals). */
function yieldToLoop(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * Runs `tasks` in batches on `workers` threads (the one pool of `sweep` and
 * `run`; with `local`, this thread is one of them), handing each finished
 * batch to `record` as it arrives. Returns when every batch is recorded, or as
 * soon as `signal` aborts.
 */
export async function runOnPool<T, R>(job: PoolJob<T, R>): Promise<void> {
  const { tasks, workers, signal, local } = job;
  const threads = local === undefined ? workers : workers - 1;
  const size = job.batch ?? batchSize(tasks.length, workers);
  let next = 0;
  // Near the end, batches shrink so that no thread is left with a long tail
  // while the others idle (this thread's share is not known in advance).
  const take = (): T[] => {
    const left = tasks.length - next;
    const n =
      local === undefined ? size : Math.max(1, Math.min(size, Math.floor(left / (workers * 2))));
    const batch = tasks.slice(next, next + n);
    next += batch.length;
    return batch;
  };
  const offered = threads > 0 ? job.pool?.(threads) : undefined;
  const message = job.message ?? ((batch: T[]) => batch);
  const pool =
    offered ??
    (threads > 0
      ? new Piscina({
          filename: job.worker.href,
          workerData: job.workerData,
          minThreads: threads,
          maxThreads: threads,
          // A second batch waits inside each worker, so a worker never idles
          // while this thread is busy with a batch of its own.
          concurrentTasksPerWorker: local === undefined ? 1 : 2,
        })
      : undefined);
  try {
    // An interrupt abandons the batches in flight (a sweep reruns them on
    // --resume) rather than waiting for them: the pool is destroyed right after.
    const stopped = new Promise<undefined>((resolve) => {
      if (signal?.aborted) resolve(undefined);
      signal?.addEventListener("abort", () => resolve(undefined), { once: true });
    });
    const lane = async (): Promise<void> => {
      while (pool !== undefined && next < tasks.length && signal?.aborted !== true) {
        const batch = take();
        const running = pool.run(message(batch)) as Promise<R[]>;
        running.catch(() => {});
        const results = await Promise.race([running, stopped]);
        if (results === undefined) return;
        job.record(batch, results);
      }
    };
    const localLane = async (): Promise<void> => {
      while (local !== undefined && next < tasks.length && signal?.aborted !== true) {
        const batch = take();
        job.record(batch, local(batch));
        await yieldToLoop();
      }
    };
    // A bounded window of batches in flight keeps memory flat on big jobs;
    // with a local lane, two per pool thread (one running, one waiting in it).
    const window = local === undefined ? workers * 4 : threads * 2;
    const lanes = Array.from({ length: Math.min(window, tasks.length) }, lane);
    // The pool's lanes have queued their first batches: this thread starts now.
    await Promise.all([...lanes, localLane()]);
  } finally {
    // An offered pool is its owner's to stop (an interrupt has been heard: it stops next).
    if (pool !== offered) await pool?.destroy();
  }
}
