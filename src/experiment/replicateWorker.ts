import { digestReplicate, type ReplicateDigest } from "./digestReplicate.js";
import type { ReplicateJob } from "./runScenarioOnPool.js";

/** A pool task of `run --workers N`: the run's scenario and profiles, and the replicates to run. */
export interface ReplicateTask {
  job: ReplicateJob;
  batch: number[];
}

// A piscina worker of `run --workers N`: each task is a batch of replicate
// numbers and returns their digests (never a world or a history, which stay
// here). The scenario comes with every batch rather than once as workerData,
// so that the threads can start before the scenario is read (cli/earlyPool.ts):
// about 18 KB and 0.2 ms to clone per batch, against the half second of loading
// a thread that starts late loses.

/** Runs a batch of replicates in a worker thread, returning their digests in batch order. */
export default function runReplicates({ job, batch }: ReplicateTask): ReplicateDigest[] {
  return batch.map((r) => digestReplicate(job.scenario, job.profiles, r));
}
