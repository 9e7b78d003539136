import { z } from "zod";
import { loadModelProfiles } from "./loadModelProfiles.js";
import { scenarioSchema } from "./ScenarioSchema.js";

/** The JSON Schema (draft 2020-12) of scenario files, as they are written (defaults optional). */
export function scenarioJsonSchema(modelsDir?: string): Record<string, unknown> {
  const models = [...loadModelProfiles(modelsDir).keys()];
  const schema = z.toJSONSchema(scenarioSchema(models), { io: "input", unrepresentable: "any" });
  return { title: "teamsim scenario", ...schema };
}
