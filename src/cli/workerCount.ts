import { availableParallelism } from "node:os";
import { InputError } from "../core/InputError.js";

/**
 * The worker threads a `--workers` flag asks for: an integer >= 1, or `auto`
 * (every CPU); `fallback` without the flag. More than the CPUs is capped, with
 * a warning on stderr: extra threads add memory (each holds the whole job) and
 * no speed.
 */
export function workerCount(
  flag: string | undefined,
  fallback: number,
  cpus: number = availableParallelism(),
): number {
  if (flag === undefined) return fallback;
  const workers = requestedWorkers(flag, cpus);
  if (workers === undefined) {
    throw new InputError(
      "--workers",
      "",
      undefined,
      undefined,
      "an integer >= 1, or auto (every CPU)",
      JSON.stringify(flag),
    );
  }
  if (workers > cpus) {
    process.stderr.write(
      `teamsim: warning: --workers ${workers} is more than the ${cpus} CPUs; using ${cpus}\n`,
    );
    return cpus;
  }
  return workers;
}

/** The worker threads `--workers flag` asks for (`auto`: `cpus`), before the cap; undefined if it is not a count. */
export function requestedWorkers(flag: string, cpus: number): number | undefined {
  if (flag === "auto") return cpus;
  const workers = Number(flag);
  return flag.trim() === "" || !Number.isInteger(workers) || workers < 1 ? undefined : workers;
}
