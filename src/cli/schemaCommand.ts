import type { Command } from "commander";
import { scenarioJsonSchema } from "../scenario/scenarioJsonSchema.js";

/** `teamsim schema`: prints the JSON Schema of scenario files. */
export function registerSchemaCommand(program: Command): void {
  program
    .command("schema")
    .description("print the JSON Schema of scenario files (point your editor's YAML plugin at it)")
    .action(() => {
      process.stdout.write(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
    });
}
