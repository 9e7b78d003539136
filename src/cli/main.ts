import { Command, CommanderError } from "commander";
import { InputError } from "../core/InputError.js";
import { packageVersion } from "../scenario/packageVersion.js";
import { registerCalibrateCommand } from "./calibrateCommand.js";
import { registerCheckCommand } from "./checkCommand.js";
import { registerCompareCommand } from "./compareCommand.js";
import { registerCurveCommand } from "./curveCommand.js";
import { registerFitCommand } from "./fitCommand.js";
import { registerLawsCommand } from "./lawsCommand.js";
import { registerMergeCommand } from "./mergeCommand.js";
import { registerModelsCommand } from "./modelsCommand.js";
import { registerPlotCommand } from "./plotCommand.js";
import { registerProtocolsCommand } from "./protocolsCommand.js";
import { registerRecommendCommand } from "./recommendCommand.js";
import { registerReplicateCommand } from "./replicateCommand.js";
import { registerRunCommand } from "./runCommand.js";
import { registerSchemaCommand } from "./schemaCommand.js";
import { registerSweepCommand } from "./sweepCommand.js";
import { registerValidateCommand } from "./validateCommand.js";

/**
 * The teamsim command line; resolves to the process exit code. Async because
 * figures render asynchronously (vega), so actions may return promises.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const version = packageVersion();
  const program = new Command("teamsim")
    .description(
      "Deterministic discrete-event simulator of teams of LLM agents as distributed systems",
    )
    .version(version)
    .exitOverride()
    .showHelpAfterError("(run with --help for usage)");
  registerRunCommand(program);
  registerValidateCommand(program);
  registerSchemaCommand(program);
  registerModelsCommand(program);
  registerProtocolsCommand(program);
  registerCurveCommand(program);
  registerLawsCommand(program);
  registerFitCommand(program);
  registerCalibrateCommand(program);
  registerCompareCommand(program);
  registerRecommendCommand(program);
  registerReplicateCommand(program);
  registerCheckCommand(program);
  registerSweepCommand(program);
  registerMergeCommand(program);
  registerPlotCommand(program);
  try {
    await program.parseAsync(argv as string[], { from: "user" });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    if (e instanceof InputError) {
      process.stderr.write(`teamsim: ${e.message}\n`);
      return 2;
    }
    if (process.env.TEAMSIM_DEBUG) throw e;
    process.stderr.write(
      `teamsim: internal error: ${(e as Error).message} (set TEAMSIM_DEBUG=1 for a stack trace)\n`,
    );
    return 1;
  }
}
