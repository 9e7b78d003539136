import { InputError } from "../core/InputError.js";

/** The i-th (1-based) of n disjoint slices of a sweep's tasks. */
export interface Shard {
  index: number;
  count: number;
}

/**
 * Parses `i/n` with 1 <= i <= n. `source` names where the text came from
 * (the flag or the environment variables) for the error message.
 */
export function parseShard(text: string, source = "--shard"): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : Number.NaN;
  const count = m ? Number(m[2]) : Number.NaN;
  if (!m || count < 1 || index < 1 || index > count) {
    throw new InputError(
      source,
      "",
      undefined,
      undefined,
      "i/n with 1 <= i <= n (e.g. 2/8)",
      JSON.stringify(text),
    );
  }
  return { index, count };
}

/**
 * The shard of this process: the `--shard` flag; else a Slurm job array
 * (SLURM_ARRAY_TASK_ID relative to SLURM_ARRAY_TASK_MIN, or 0-based when that
 * is unset, of SLURM_ARRAY_TASK_COUNT); else a Kubernetes Indexed Job
 * (0-based JOB_COMPLETION_INDEX of TEAMSIM_SHARDS); else undefined (all tasks).
 */
export function resolveShard(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): Shard | undefined {
  if (flag !== undefined) return parseShard(flag);
  const slurmId = env.SLURM_ARRAY_TASK_ID;
  const slurmCount = env.SLURM_ARRAY_TASK_COUNT;
  if (slurmId !== undefined && slurmCount !== undefined) {
    const min = env.SLURM_ARRAY_TASK_MIN;
    const i = Number(slurmId) - (min === undefined ? 0 : Number(min)) + 1;
    return parseShard(
      `${i}/${slurmCount}`,
      `SLURM_ARRAY_TASK_ID=${slurmId} SLURM_ARRAY_TASK_MIN=${min ?? "(unset)"} SLURM_ARRAY_TASK_COUNT=${slurmCount}`,
    );
  }
  const k8sIndex = env.JOB_COMPLETION_INDEX;
  if (k8sIndex !== undefined) {
    const shards = env.TEAMSIM_SHARDS;
    if (shards === undefined) {
      throw new InputError(
        `JOB_COMPLETION_INDEX=${k8sIndex}`,
        "",
        undefined,
        undefined,
        "TEAMSIM_SHARDS set to the job's completions (the number of shards)",
        "TEAMSIM_SHARDS unset",
      );
    }
    return parseShard(
      `${Number(k8sIndex) + 1}/${shards}`,
      `JOB_COMPLETION_INDEX=${k8sIndex} TEAMSIM_SHARDS=${shards}`,
    );
  }
  return undefined;
}

/**
 * The task indices of a shard among `total` tasks in their fixed order
 * (point-major, then replicate): round-robin, task t belongs to shard
 * (t mod n) + 1, so every shard gets a share of every point's replicates.
 */
export function shardTasks(total: number, shard: Shard | undefined): number[] {
  const out: number[] = [];
  const n = shard?.count ?? 1;
  const first = (shard?.index ?? 1) - 1;
  for (let t = first; t < total; t += n) out.push(t);
  return out;
}
