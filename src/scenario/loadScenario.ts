import type { ModelProfile } from "../agents/ModelProfile.js";
import { applyOverride } from "./applyOverride.js";
import { loadModelProfiles } from "./loadModelProfiles.js";
import { type Scenario, scenarioSchema } from "./ScenarioSchema.js";
import { readSourceDocument, type SourceDocument, validateDocument } from "./validateYaml.js";

/** How to load a scenario: command-line overrides and where the model profiles are. */
export interface LoadScenarioOptions {
  /** `path=value` assignments, applied in order before validation. */
  sets?: readonly string[];
  /** Directory of model profiles (default: the shipped `models/`). */
  modelsDir?: string;
}

/** A scenario ready to run, with the profiles it needs. */
export interface LoadedScenario {
  file: string;
  scenario: Scenario;
  /** The document as written, after `--set` overrides: running it again reproduces the run. */
  input: unknown;
  profiles: Map<string, ModelProfile>;
}

/** Reads a YAML or JSON scenario, applies `--set` overrides, fills defaults and validates it. */
export function loadScenario(file: string, options: LoadScenarioOptions = {}): LoadedScenario {
  return loadScenarioFrom(readSourceDocument(file), options);
}

/** Like loadScenario, from an already parsed document. */
export function loadScenarioFrom(
  src: SourceDocument,
  options: LoadScenarioOptions = {},
): LoadedScenario {
  const profiles = loadModelProfiles(options.modelsDir);
  for (const assignment of options.sets ?? []) applyOverride(src, assignment);
  const scenario = validateDocument(src, scenarioSchema(profiles));
  return { file: src.file, scenario, input: src.doc.toJS() ?? {}, profiles };
}
