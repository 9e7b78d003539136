import { mkdirSync } from "node:fs";
import { InputError } from "../core/InputError.js";
import type { SweepFormat } from "./parquetFiles.js";
import { type ResultLine, readResults } from "./ResultsFile.js";
import { readManifest, sweepFiles, writeSortedResults, writeSummaries } from "./SweepDirectory.js";
import type { SweepManifest } from "./SweepManifest.js";

/**
 * Combines shard directories into one: they must share a scenario hash, and
 * together hold every (point, replicate) exactly once. Writes the same files as
 * one unsharded sweep (results in (point, replicate) order).
 */
export function mergeSweeps(
  dirs: readonly string[],
  outDir: string,
  about: Pick<SweepManifest, "teamsim_version" | "node_version" | "command">,
  format?: SweepFormat,
): { results: number } {
  const manifests = dirs.map((d) => {
    const m = readManifest(d);
    if (m === undefined) {
      throw new InputError(
        d,
        "",
        undefined,
        undefined,
        "a sweep directory with manifest.json",
        "none",
      );
    }
    return m;
  });
  const first = manifests[0];
  manifests.forEach((m, k) => {
    if (m.scenario_hash !== first.scenario_hash) {
      throw new InputError(
        dirs[k],
        "",
        undefined,
        undefined,
        `a shard of the same sweep as ${dirs[0]} (hash ${first.scenario_hash.slice(0, 12)})`,
        `hash ${m.scenario_hash.slice(0, 12)} (${m.scenario_name})`,
      );
    }
  });
  const seen = new Map<number, string>();
  const lines: ResultLine[] = [];
  const R = first.replicates;
  dirs.forEach((d) => {
    for (const line of readResults(sweepFiles(d).results).lines) {
      const key = line.point * R + line.replicate;
      const where = seen.get(key);
      if (where !== undefined) {
        throw new InputError(
          d,
          "",
          undefined,
          undefined,
          "each (point, replicate) in one shard only",
          `point ${line.point} replicate ${line.replicate} also in ${where}`,
        );
      }
      seen.set(key, d);
      lines.push(line);
    }
  });
  const missing: string[] = [];
  for (let t = 0; t < first.tasks; t++) {
    if (!seen.has(t)) missing.push(`(${Math.floor(t / R)}, ${t % R})`);
  }
  if (missing.length > 0) {
    throw new InputError(
      dirs.join(" "),
      "",
      undefined,
      undefined,
      `all ${first.tasks} (point, replicate) results`,
      `${missing.length} missing: ${missing.slice(0, 5).join(" ")}${missing.length > 5 ? " ..." : ""} (a shard not run, not finished, or not given)`,
    );
  }
  mkdirSync(outDir, { recursive: true });
  const manifest: SweepManifest = {
    ...first,
    shard: null,
    merged_from: dirs.length,
    ...about,
  };
  // The format of the first shard unless the merge asks for another.
  if (format !== undefined) manifest.format = format;
  writeSortedResults(outDir, lines);
  writeSummaries(outDir, lines, manifest);
  return { results: lines.length };
}
