import { existsSync, statSync } from "node:fs";
import { InputError } from "../core/InputError.js";
import { makeOutputDir } from "./outputPath.js";
import type { SweepFormat } from "./parquetFiles.js";
import { type ResultLine, readResults } from "./ResultsFile.js";
import { reconcileResults } from "./reconcileResults.js";
import { readManifest, sweepFiles, writeSortedResults, writeSummaries } from "./SweepDirectory.js";
import type { SweepManifest } from "./SweepManifest.js";

/**
 * Combines shard directories into one: they must share a scenario hash, and
 * together hold every (point, replicate) exactly once, every line intact (its
 * checksum); `outDir` must be new, empty, or hold this sweep unsharded (an
 * earlier merge): never another sweep's results or a shard. Writes the same
 * files as one unsharded sweep (results in (point, replicate) order).
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
  checkMergeTarget(outDir, first);
  const seen = new Map<number, string>();
  const lines: ResultLine[] = [];
  const R = first.replicates;
  dirs.forEach((d, k) => {
    const file = sweepFiles(d).results;
    // A shard's lines must be whole and its own: a merge has no runs to redo.
    const fitted = reconcileResults(readResults(file), manifests[k]);
    const bad = fitted.problems[0];
    if (bad !== undefined) {
      throw new InputError(
        `${file}:${bad.line}`,
        "",
        undefined,
        undefined,
        "intact results lines (rerun the shard with --resume to redo the bad ones)",
        `${bad.what}${fitted.problems.length > 1 ? ` (and ${fitted.problems.length - 1} more bad lines)` : ""}`,
      );
    }
    for (const line of fitted.lines) {
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
  makeOutputDir(outDir, `--out ${outDir}`);
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

/**
 * Refuses a merge into a directory that holds results of another sweep, of a
 * shard, or of no known sweep (results.jsonl without manifest.json): the merge
 * would replace them. A directory of this sweep unsharded (an earlier merge,
 * or a sweep run in one piece) holds the same results, so it may be rewritten.
 */
function checkMergeTarget(outDir: string, sweep: SweepManifest): void {
  if (!existsSync(outDir) || !statSync(outDir).isDirectory()) return;
  const old = readManifest(outDir);
  const refuse = (found: string) =>
    new InputError(
      `--out ${outDir}`,
      "",
      undefined,
      undefined,
      `an empty or new directory, or an earlier merge of this sweep (hash ${sweep.scenario_hash.slice(0, 12)})`,
      `${found}; merging would replace them: use another --out`,
    );
  if (old === undefined) {
    const results = sweepFiles(outDir).results;
    if (existsSync(results) && statSync(results).size > 0)
      throw refuse("results.jsonl of an unknown sweep (no manifest.json)");
    return;
  }
  if (old.scenario_hash !== sweep.scenario_hash)
    throw refuse(
      `results of another sweep: hash ${old.scenario_hash.slice(0, 12)} (${old.scenario_name})`,
    );
  if (old.shard !== null)
    throw refuse(`the results of shard ${old.shard.index}/${old.shard.count} of this sweep`);
}
