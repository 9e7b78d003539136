import { workerData } from "node:worker_threads";
import { type SweepJob, type SweepTask, SweepTaskRunner } from "./sweepTask.js";

// A piscina worker: the job (scenario and points) arrives once as workerData;
// each pool task is a batch of (point, replicate) runs and returns their results
// lines: one run takes well under a millisecond, so one message per run would
// cost more than the run.
const runner = new SweepTaskRunner(workerData as SweepJob);

/** Runs a batch of sweep tasks in a worker thread, returning their lines in batch order. */
export default function runSweepTasks(batch: SweepTask[]): string[] {
  return batch.map((task) => runner.run(task));
}
