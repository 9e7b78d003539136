import { readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { type ModelProfile, ModelProfileSchema } from "../agents/ModelProfile.js";
import { InputError } from "../core/InputError.js";
import { packageRoot } from "./packageRoot.js";
import { loadYamlFile } from "./validateYaml.js";

/** The directory holding the shipped model profiles. */
export function defaultModelsDir(): string {
  return join(packageRoot(), "models");
}

const cache = new Map<string, Map<string, ModelProfile>>();

/** Loads every `*.yaml` profile of `dir`, keyed by name (which must match the file name). */
export function loadModelProfiles(dir: string = defaultModelsDir()): Map<string, ModelProfile> {
  const hit = cache.get(dir);
  if (hit !== undefined) return hit;
  const profiles = new Map<string, ModelProfile>();
  for (const entry of readdirSync(dir).sort()) {
    if (!entry.endsWith(".yaml") && !entry.endsWith(".yml")) continue;
    const file = join(dir, entry);
    const profile = loadYamlFile(file, ModelProfileSchema);
    const stem = basename(entry).replace(/\.ya?ml$/, "");
    if (profile.name !== stem) {
      throw new InputError(
        file,
        "name",
        undefined,
        undefined,
        `the file's name ${JSON.stringify(stem)}`,
        JSON.stringify(profile.name),
      );
    }
    profiles.set(profile.name, profile);
  }
  cache.set(dir, profiles);
  return profiles;
}
