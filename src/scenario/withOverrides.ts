import { stringify } from "yaml";
import { applyOverride } from "./applyOverride.js";
import type { LoadedScenario } from "./loadScenario.js";
import { scenarioSchema } from "./ScenarioSchema.js";
import { parseSourceText, validateDocument } from "./validateYaml.js";

/**
 * The scenario with more `path=value` overrides applied and validated again
 * (a sweep point, a candidate team): changing the team size or the protocol can
 * make other fields invalid (a fault naming agent-7 in a team of 3), and that
 * must be an error, not a silently broken run.
 */
export function withOverrides(loaded: LoadedScenario, sets: readonly string[]): LoadedScenario {
  const src = parseSourceText(loaded.file, stringify(loaded.input));
  for (const assignment of sets) applyOverride(src, assignment);
  const scenario = validateDocument(src, scenarioSchema(loaded.profiles));
  return { file: loaded.file, scenario, input: src.doc.toJS() ?? {}, profiles: loaded.profiles };
}
