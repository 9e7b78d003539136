import { availableParallelism } from "node:os";
import { Piscina } from "piscina";
import { REPLICATE_WORKER } from "../experiment/replicateWorkerUrl.js";
import { requestedWorkers } from "./workerCount.js";

// `teamsim run --workers N` starts its worker threads here, as the process
// starts, so that they load their modules while this thread loads the command
// line's (about 250 modules: half a second); started after the scenario was
// read, a thread began its replicates that much later than a separate process
// would have (issue 14). The command takes them with takeRunPool; whatever is
// not taken (a refused run, one replicate, fewer replicates than threads, an
// error) is stopped by stopRunPool when the command returns.

let started: { threads: number; pool: Piscina } | undefined;

/**
 * The worker threads besides this one that `argv` (the command's arguments,
 * without node and the script) will run replicates on: `run` with `--workers N`
 * or `auto`, capped at the CPUs, minus one (this thread runs replicates too);
 * 0 for anything else, or a flag the command will refuse.
 */
export function earlyThreads(argv: readonly string[], cpus = availableParallelism()): number {
  if (argv[0] !== "run") return 0;
  let flag: string | undefined;
  for (let i = 1; i < argv.length && argv[i] !== "--"; i++) {
    if (argv[i] === "--workers") flag = argv[i + 1];
    else if (argv[i].startsWith("--workers=")) flag = argv[i].slice("--workers=".length);
  }
  const workers = flag === undefined ? undefined : requestedWorkers(flag, cpus);
  return workers === undefined ? 0 : Math.min(workers, cpus) - 1;
}

/** Starts the worker threads `argv` will want (see earlyThreads), if any. */
export function startRunPool(argv: readonly string[]): void {
  const threads = earlyThreads(argv);
  if (threads < 1 || started !== undefined) return;
  const pool = new Piscina({
    filename: REPLICATE_WORKER.href,
    minThreads: threads,
    maxThreads: threads,
    // As runOnPool's own pool with a local lane: a second batch waits in each worker.
    concurrentTasksPerWorker: 2,
  });
  started = { threads, pool };
}

/** The started threads if there are exactly `threads` of them (then the caller's until stopRunPool). */
export function takeRunPool(threads: number): Piscina | undefined {
  return started !== undefined && started.threads === threads ? started.pool : undefined;
}

/** Stops the started threads, if any (the command has returned). */
export async function stopRunPool(): Promise<void> {
  const pool = started?.pool;
  started = undefined;
  await pool?.destroy();
}
