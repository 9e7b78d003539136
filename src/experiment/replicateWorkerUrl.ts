/**
 * The worker module of `run --workers N` (replicateWorker.js; its default export
 * runs a ReplicateTask). Its own file, importing nothing, so that the command
 * line can start the threads before it loads the simulation (cli/earlyPool.ts).
 */
export const REPLICATE_WORKER = new URL("./replicateWorker.js", import.meta.url);
