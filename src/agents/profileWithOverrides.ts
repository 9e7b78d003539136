import type { z } from "zod";
import type { DistSpec } from "../core/Distribution.js";
import { distToInput } from "../core/distributionSchema.js";
import { type ModelProfile, ModelProfileSchema } from "./ModelProfile.js";

/** What-if changes to a profile, spelled as in a profile file (any part of one, e.g. `{price: {input_per_mtok: 1}}`). */
export type ProfileOverrides = Readonly<Record<string, unknown>>;

type Issue = z.core.$ZodIssue;

// Where a validated profile holds distributions, and the unit their file
// spelling uses. Validation strips the unit (median_s -> median), so a
// validated profile does not validate again until it is spelt back; overrides
// are written in the file spelling, so they merge into that.
const DISTRIBUTIONS: readonly (readonly [readonly string[], "" | "_s"])[] = [
  [["latency", "ttft"], "_s"],
  [["latency", "decode_tokens_per_s"], ""],
  [["latency", "prefill_tokens_per_s"], ""],
  [["latency", "call"], "_s"],
  [["tokens", "output"], ""],
  [["failures", "error_latency"], "_s"],
  [["failures", "straggler", "multiplier"], ""],
];

/** A validated profile spelt as in a profile file again (validating it gives the profile back). */
export function profileToInput(profile: ModelProfile): Record<string, unknown> {
  const out = structuredClone(profile) as unknown as Record<string, unknown>;
  for (const [path, unit] of DISTRIBUTIONS) {
    let parent: Record<string, unknown> | undefined = out;
    for (const key of path.slice(0, -1))
      parent = parent?.[key] as Record<string, unknown> | undefined;
    const last = path[path.length - 1];
    if (parent?.[last] !== undefined) parent[last] = distToInput(parent[last] as DistSpec, unit);
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

// Objects merge key by key, so `{price: {input_per_mtok: 1}}` keeps the output
// price; a distribution (an object with `dist`) is a whole, so it replaces the
// old one instead of mixing parameters of two kinds; anything else replaces.
function merge(base: unknown, over: unknown): unknown {
  if (!isPlainObject(over) || !isPlainObject(base) || "dist" in over) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) out[key] = merge(base[key], value);
  return out;
}

function hasPath(value: unknown, path: readonly PropertyKey[]): boolean {
  let v = value;
  for (const key of path) {
    if (!isPlainObject(v) && !Array.isArray(v)) return false;
    if (!(String(key) in v)) return false;
    v = (v as Record<string, unknown>)[String(key)];
  }
  return true;
}

// Called for every member of every replicate: one merge and parse per
// (profile, overrides object), which a validated scenario keeps for its life.
const memo = new WeakMap<ModelProfile, WeakMap<object, ModelProfile>>();

function memoOf(profile: ModelProfile): WeakMap<object, ModelProfile> {
  let byOverrides = memo.get(profile);
  if (byOverrides === undefined) memo.set(profile, (byOverrides = new WeakMap()));
  return byOverrides;
}

// The profile with the overrides merged in and validated, or the problems,
// each at its path in the overrides (which is also its path in the profile).
function apply(
  profile: ModelProfile,
  overrides: ProfileOverrides,
): { profile: ModelProfile; issues: [] } | { profile: undefined; issues: Issue[] } {
  if ("name" in overrides) {
    return {
      profile: undefined,
      issues: [
        {
          code: "custom",
          path: ["name"],
          input: overrides.name,
          message: `expected no name (it names the model, ${profile.name}; to run another model change the group's model)`,
        },
      ],
    };
  }
  const result = ModelProfileSchema.safeParse(merge(profileToInput(profile), overrides));
  if (result.success) return { profile: result.data, issues: [] };
  const issues = result.error.issues.map((issue): Issue => {
    if (hasPath(overrides, issue.path)) return issue;
    // A rule between fields (no ttft when call is given) can fail at a field the
    // overrides do not write: point at the part of the overrides that broke it.
    const path = [...issue.path];
    while (path.length > 0 && !hasPath(overrides, path)) path.pop();
    const message = issue.message.replace(/^expected /i, "");
    return {
      code: "custom",
      path,
      input: undefined,
      message: `expected ${message} at ${issue.path.join(".")} of ${profile.name} with these overrides`,
    };
  });
  return { profile: undefined, issues };
}

/**
 * What is wrong with `profile` under `overrides` (none: they apply), each
 * problem at its path inside the overrides, for the scenario to locate.
 */
export function profileOverrideIssues(profile: ModelProfile, overrides: ProfileOverrides): Issue[] {
  if (Object.keys(overrides).length === 0 || memoOf(profile).has(overrides)) return [];
  const result = apply(profile, overrides);
  // The scenario keeps the object it validated: its runs find the profile made.
  if (result.profile !== undefined) memoOf(profile).set(overrides, result.profile);
  return result.issues;
}

/**
 * `profile` with `overrides` deep-merged into it (a distribution is replaced
 * whole) and validated again; throws if they do not make a valid profile
 * (scenarios check that when they load, with profileOverrideIssues).
 */
export function profileWithOverrides(
  profile: ModelProfile,
  overrides: ProfileOverrides,
): ModelProfile {
  // No overrides: the profile itself, so a team without what-ifs is unchanged.
  if (Object.keys(overrides).length === 0) return profile;
  const byOverrides = memoOf(profile);
  const hit = byOverrides.get(overrides);
  if (hit !== undefined) return hit;
  const result = apply(profile, overrides);
  if (result.profile === undefined) {
    const problems = result.issues.map((i) => `${i.path.join(".") || "(top)"}: ${i.message}`);
    throw new Error(
      `overrides of ${profile.name} do not make a valid profile: ${problems.join("; ")}`,
    );
  }
  byOverrides.set(overrides, result.profile);
  return result.profile;
}
