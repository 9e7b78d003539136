import { createHash } from "node:crypto";
import { InputError } from "../core/InputError.js";
import { jsonErrorMessage, jsonErrorPosition } from "../scenario/jsonError.js";
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
  /** Earlier shapes of this directory, oldest first, when `--resume` extended it. */
  history?: SweepHistoryEntry[];
  teamsim_version: string;
  node_version: string;
  command: string[];
}

/** What a sweep directory held before `--resume` extended it (more replicates or more axis values). */
export interface SweepHistoryEntry {
  scenario_hash: string;
  sweep: SweepAxis[];
  replicates: number;
  points: number;
  tasks: number;
  teamsim_version: string;
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

/**
 * Parses the text of a manifest.json, checking every field that resume and
 * merge rely on (hash, axes, counts, shard, history); anything wrong is an
 * InputError naming `file`, the field, and what was found.
 */
export function parseManifest(file: string, text: string): SweepManifest {
  const bad = (
    path: string,
    expected: string,
    found: unknown,
    at?: { line: number; col: number },
  ) =>
    new InputError(
      file,
      path,
      at?.line,
      at?.col,
      expected,
      `${typeof found === "string" ? found : (JSON.stringify(found) ?? "none")}; restore the manifest teamsim wrote, or use another --out`,
    );
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    if (text.trim() === "") throw bad("", "a sweep manifest (JSON)", "an empty file");
    throw bad("", "a sweep manifest (JSON)", jsonErrorMessage(e), jsonErrorPosition(e, text));
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc))
    throw bad("", "a sweep manifest (a JSON object)", short(doc));
  const m = doc as Record<string, unknown>;
  const count = (key: string, min: number) => {
    const v = m[key];
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min)
      throw bad(key, `an integer >= ${min}`, short(v));
    return v;
  };
  if (typeof m.scenario_hash !== "string" || !/^[0-9a-f]{64}$/.test(m.scenario_hash))
    throw bad("scenario_hash", "64 hex digits", short(m.scenario_hash));
  if (typeof m.scenario_name !== "string")
    throw bad("scenario_name", "a string", short(m.scenario_name));
  const axes = m.sweep;
  if (!Array.isArray(axes)) throw bad("sweep", "a list of axes", short(axes));
  axes.forEach((a: unknown, k) => {
    const axis = a as Partial<SweepAxis> | null;
    if (axis === null || typeof axis !== "object" || typeof axis.path !== "string")
      throw bad(`sweep.${k}.path`, "a dotted path", short(axis?.path));
    if (!Array.isArray(axis.values) || axis.values.length === 0)
      throw bad(`sweep.${k}.values`, "a non-empty list", short(axis.values));
  });
  const replicates = count("replicates", 1);
  const points = count("points", 1);
  const grid = (axes as SweepAxis[]).reduce((n, a) => n * a.values.length, 1);
  if (points !== grid) throw bad("points", `${grid} (the product of the axes' lengths)`, points);
  const tasks = count("tasks", 0);
  if (tasks !== points * replicates)
    throw bad("tasks", `${points * replicates} (points x replicates)`, tasks);
  const shard = m.shard as { index?: unknown; count?: unknown } | null | undefined;
  if (
    shard !== null &&
    !(
      typeof shard === "object" &&
      Number.isInteger(shard.count) &&
      Number.isInteger(shard.index) &&
      (shard.index as number) >= 1 &&
      (shard.index as number) <= (shard.count as number)
    )
  )
    throw bad("shard", "null or { index, count } with 1 <= index <= count", short(shard));
  if (m.format !== undefined && m.format !== "jsonl" && m.format !== "parquet")
    throw bad("format", "jsonl or parquet", short(m.format));
  if (m.merged_from !== undefined) count("merged_from", 1);
  if (m.history !== undefined && !Array.isArray(m.history))
    throw bad("history", "a list", short(m.history));
  if (!Array.isArray(m.command) || m.command.some((c) => typeof c !== "string"))
    throw bad("command", "a list of strings", short(m.command));
  return m as unknown as SweepManifest;
}

// A found value for a message: its JSON, cut short.
function short(v: unknown): string {
  const text = JSON.stringify(v) ?? "none";
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** The entry a manifest leaves in the history of the directory it describes, once extended. */
export function historyEntry(m: SweepManifest): SweepHistoryEntry {
  return {
    scenario_hash: m.scenario_hash,
    sweep: m.sweep,
    replicates: m.replicates,
    points: m.points,
    tasks: m.tasks,
    teamsim_version: m.teamsim_version,
    command: m.command,
  };
}

/**
 * Why the sweep `next` (of the resolved scenario `resolved`) does not extend
 * the one `old` describes, or undefined if it does: it may have more
 * replicates and more values on the same axes (in the same order), and
 * nothing else may change (checked by the hash of `resolved` with the old
 * replicates and axes, so it holds for manifests written before extensions).
 */
export function extensionProblem(
  old: SweepManifest,
  next: SweepManifest,
  resolved: unknown,
): string | undefined {
  const same = scenarioHash(
    { ...(resolved as Record<string, unknown>), replicates: old.replicates },
    old.sweep,
  );
  const oldPaths = old.sweep.map((a) => a.path);
  const newPaths = next.sweep.map((a) => a.path);
  if (canonicalJson(oldPaths) !== canonicalJson(newPaths))
    return `its axes are ${oldPaths.join(", ") || "none"} (now ${newPaths.join(", ") || "none"})`;
  if (same !== old.scenario_hash) return firstDifference(old.scenario, next.scenario, "");
  for (const [k, axis] of old.sweep.entries()) {
    const now = new Set(next.sweep[k].values.map(canonicalJson));
    const lost = axis.values.find((v) => !now.has(canonicalJson(v)));
    if (lost !== undefined)
      return `its axis ${axis.path} has the value ${short(lost)}, which the new one lacks`;
  }
  if (next.replicates < old.replicates)
    return `it has ${old.replicates} replicates (now ${next.replicates})`;
  if (old.shard !== null || next.shard !== null)
    return "it is a shard (extending one would move runs between shards: merge the shards first, then extend the merged directory)";
  return undefined;
}

// The first place two scenario documents differ (replicates aside), said as `path: old (now new)`.
function firstDifference(a: unknown, b: unknown, path: string): string {
  const found = diffAt(a, b, path);
  return found === undefined
    ? "its scenario resolves differently (a model profile or a default changed)"
    : `its ${found}`;
}

function diffAt(a: unknown, b: unknown, path: string): string | undefined {
  const isObj = (v: unknown) => v !== null && typeof v === "object" && !Array.isArray(v);
  if (isObj(a) && isObj(b)) {
    const ra = a as Record<string, unknown>;
    const rb = b as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(ra), ...Object.keys(rb)])].sort();
    for (const k of keys) {
      if (path === "" && k === "replicates") continue;
      const d = diffAt(ra[k], rb[k], path === "" ? k : `${path}.${k}`);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    for (let i = 0; i < a.length; i++) {
      const d = diffAt(a[i], b[i], `${path}.${i}`);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  if (canonicalJson(a) === canonicalJson(b)) return undefined;
  const show = (v: unknown) => (v === undefined ? "unset" : short(v));
  return `${path} is ${show(a)} (now ${show(b)})`;
}
