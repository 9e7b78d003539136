import { existsSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../core/InputError.js";
import { readTextFile } from "../scenario/readTextFile.js";
import { makeOutputDir } from "./outputPath.js";
import { writeParquet } from "./parquetFiles.js";
import { type ResultLine, type ResultsRead, readResults, writeFileAtomic } from "./ResultsFile.js";
import { parseManifest, type SweepManifest } from "./SweepManifest.js";
import { sortResults, summaryCsv, sweepSummary } from "./sweepSummary.js";

/** The files of a sweep directory. */
export function sweepFiles(dir: string) {
  return {
    results: join(dir, "results.jsonl"),
    summaryCsv: join(dir, "summary.csv"),
    summaryJson: join(dir, "summary.json"),
    manifest: join(dir, "manifest.json"),
  };
}

/** The manifest of a sweep directory, or undefined if it has none. */
export function readManifest(dir: string): SweepManifest | undefined {
  const file = sweepFiles(dir).manifest;
  if (!existsSync(file)) return undefined;
  return parseManifest(file, readTextFile(file));
}

/**
 * Opens DIR for a sweep: creates it, refuses a directory holding another
 * experiment (different scenario hash or shard), and refuses existing results
 * unless resuming. Returns the complete results already there.
 */
export function openSweepDir(dir: string, manifest: SweepManifest, resume: boolean): ResultsRead {
  // Not mkdirSync's recursive mode: it loops forever under /proc.
  makeOutputDir(dir, dir);
  const old = readManifest(dir);
  if (old !== undefined && old.scenario_hash !== manifest.scenario_hash) {
    throw new InputError(
      dir,
      "",
      undefined,
      undefined,
      `a sweep directory of this scenario and sweep (hash ${manifest.scenario_hash.slice(0, 12)}); it holds results of another one, so they cannot be mixed: use another --out`,
      `hash ${old.scenario_hash.slice(0, 12)} (${old.scenario_name})`,
    );
  }
  if (old !== undefined && JSON.stringify(old.shard) !== JSON.stringify(manifest.shard)) {
    throw new InputError(
      dir,
      "",
      undefined,
      undefined,
      `results of shard ${shardText(manifest.shard)}; use one directory per shard and merge them`,
      `shard ${shardText(old.shard)}`,
    );
  }
  const existing = readResults(sweepFiles(dir).results);
  if (!resume && (existing.lines.length > 0 || existing.validBytes > 0)) {
    throw new InputError(
      dir,
      "",
      undefined,
      undefined,
      "an empty or new directory (add --resume to continue the sweep in it)",
      `${existing.lines.length} results`,
    );
  }
  return existing;
}

function shardText(s: SweepManifest["shard"]): string {
  return s === null ? "all" : `${s.index}/${s.count}`;
}

/** Writes the summaries (and the Parquet files if the manifest's format says so) and the manifest of DIR (each file atomically). */
export function writeSummaries(
  dir: string,
  lines: readonly ResultLine[],
  manifest: SweepManifest,
): void {
  const files = sweepFiles(dir);
  const rows = sweepSummary(lines);
  writeFileAtomic(files.summaryJson, `${JSON.stringify(rows, null, 2)}\n`);
  writeFileAtomic(files.summaryCsv, summaryCsv(rows));
  if (manifest.format === "parquet") writeParquet(dir, lines, rows);
  writeFileAtomic(files.manifest, `${JSON.stringify(manifest, null, 2)}\n`);
}

/** Writes results lines in (point, replicate) order, atomically. */
export function writeSortedResults(dir: string, lines: readonly ResultLine[]): void {
  const text = sortResults(lines)
    .map((l) => `${l.text}\n`)
    .join("");
  writeFileAtomic(sweepFiles(dir).results, text);
}
