import { workerData } from "node:worker_threads";
import { digestReplicate, type ReplicateDigest } from "./digestReplicate.js";
import type { ReplicateJob } from "./runScenarioOnPool.js";

// A piscina worker of `run --workers N`: the scenario and its profiles arrive
// once as workerData; each pool task is a batch of replicate numbers, and
// returns their digests (never a world or a history, which stay here).
const { scenario, profiles } = workerData as ReplicateJob;

/** Runs a batch of replicates in a worker thread, returning their digests in batch order. */
export default function runReplicates(batch: number[]): ReplicateDigest[] {
  return batch.map((r) => digestReplicate(scenario, profiles, r));
}
