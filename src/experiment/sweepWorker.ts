import { workerData } from "node:worker_threads";
import { type SweepJob, type SweepTask, SweepTaskRunner } from "./sweepTask.js";

// A piscina worker: the job (scenario and points) arrives once as workerData;
// each task is one (point, replicate) and returns its results line.
const runner = new SweepTaskRunner(workerData as SweepJob);

/** Runs one sweep task in a worker thread. */
export default function runSweepTask(task: SweepTask): string {
  return runner.run(task);
}
