import { createHash } from "node:crypto";
import type { LoadedScenario } from "../scenario/loadScenario.js";
import { packageVersion } from "../scenario/packageVersion.js";
import type { SweepFormat } from "./parquetFiles.js";
import type { Shard } from "./Shard.js";
import type { SweepAxis } from "./SweepAxis.js";
import type { SweepPlan } from "./SweepPlan.js";

/** DIR/manifest.json: what a sweep directory holds and how it was made. */
export interface SweepManifest {
  scenario_hash: string;
  scenario_name: string;
  /** The scenario as written, after `--set` (without its sweep block; see `sweep`). */
  scenario: unknown;
  sweep: SweepAxis[];
  seed: unknown;
  replicates: number;
  points: number;
  tasks: number;
  shard: Shard | null;
  /** Output format: `parquet` also writes results.parquet and summary.parquet (absent: jsonl). */
  format?: SweepFormat;
  /** For a merged directory: how many shard directories went into it. */
  merged_from?: number;
  teamsim_version: string;
  node_version: string;
  command: string[];
}

/** The manifest of a sweep of `loaded` over `axes`; everything but how it was started is derived. */
export function buildSweepManifest(
  loaded: LoadedScenario,
  axes: SweepAxis[],
  plan: SweepPlan,
  how: { shard: Shard | null; command: string[]; format?: SweepFormat },
): SweepManifest {
  return {
    scenario_hash: scenarioHash(loaded.scenario, axes),
    scenario_name: loaded.scenario.name,
    scenario: plan.base,
    sweep: axes,
    seed: loaded.scenario.seed,
    replicates: plan.replicates,
    points: plan.points.length,
    tasks: plan.points.length * plan.replicates,
    shard: how.shard,
    teamsim_version: packageVersion(),
    node_version: process.version,
    command: how.command,
    ...(how.format === undefined ? {} : { format: how.format }),
  };
}

/**
 * sha256 of a canonical JSON (keys sorted at every level) of the resolved
 * scenario (defaults filled, sweep block left out) and the sweep axes: two
 * directories with the same hash hold results of the same experiment.
 */
export function scenarioHash(resolved: unknown, axes: readonly SweepAxis[]): string {
  const { sweep: _sweep, ...rest } = resolved as Record<string, unknown>;
  return createHash("sha256")
    .update(canonicalJson({ scenario: rest, sweep: axes }))
    .digest("hex");
}

/** JSON with object keys sorted, so equal values give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value).sort();
    return `{${keys
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
