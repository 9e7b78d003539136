import { Command, CommanderError } from "commander";
import { InputError } from "../core/InputError.js";
import { isOsError, osErrorWords } from "../core/osError.js";
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
import { registerReportCommand } from "./reportCommand.js";
import { registerRunCommand } from "./runCommand.js";
import { registerSchemaCommand } from "./schemaCommand.js";
import { registerSweepCommand } from "./sweepCommand.js";
import { terminalText } from "./terminalText.js";
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
    // Commander's usage errors ("error: unknown option '--seed'", then "(Did you
    // mean --set?)" on a line of its own) become one line like every other
    // error; subcommands inherit this when they are created, so it comes first.
    .configureOutput({
      outputError: (text, write) => write(`teamsim: ${usageErrorLine(text)}\n`),
    });
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
  registerReportCommand(program);
  quietOnClosedPipe();
  try {
    await program.parseAsync(argv as string[], { from: "user" });
    return 0;
  } catch (e) {
    // A usage error (unknown flag, missing argument) is bad input: exit 2, like every other;
    // --help and --version end with commander's 0.
    // (teamsim's own CommanderErrors, e.g. an interrupted sweep's 130, keep their code).
    if (e instanceof CommanderError)
      return e.code.startsWith("commander.") && e.exitCode !== 0 ? 2 : e.exitCode;
    if (e instanceof InputError) {
      process.stderr.write(`teamsim: ${terminalText(e.message)}\n`);
      return 2;
    }
    // A closed pipe met by a synchronous write: as quiet as the stream's error event below.
    if (isOsError(e) && e.code === "EPIPE") return 0;
    if (isOsError(e)) {
      // Caught nowhere nearer to its flag: name the path the system refused.
      process.stderr.write(`teamsim: ${terminalText(osErrorLine(e))}\n`);
      return 2;
    }
    if (process.env.TEAMSIM_DEBUG) throw e;
    const message = e instanceof Error ? e.message : String(e);
    process.stderr.write(
      `teamsim: internal error, please report (teamsim ${version}): ${terminalText(message)} (set TEAMSIM_DEBUG=1 for a stack trace)\n`,
    );
    return 1;
  }
}

/** Commander's usage error text as one line, with where to find the usage. */
export function usageErrorLine(text: string): string {
  const words = text
    .replace(/^error: /, "")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "")
    .join(" ");
  return `${terminalText(words)} (run with --help for usage)`;
}

/** One line for an operating-system error: the path (or the operation), then what went wrong in words. */
export function osErrorLine(e: NodeJS.ErrnoException): string {
  const what = osErrorWords(e);
  const op = e.syscall === undefined ? "" : ` (${e.syscall})`;
  if (e.path !== undefined) {
    // A rename names both ends.
    const dest = (e as { dest?: unknown }).dest;
    const to = typeof dest === "string" ? ` -> ${dest}` : "";
    return `${e.path}${to}: ${what}${op}`;
  }
  return e.syscall === undefined ? what : `${e.syscall}: ${what}`;
}

let pipeGuard = false;

// Output piped into `head` (or anything that stops reading) is a normal end, as
// for `cat`: exit quietly with status 0 instead of an unhandled EPIPE with a stack.
function quietOnClosedPipe(): void {
  if (pipeGuard) return;
  pipeGuard = true;
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(0);
    // Any other failure of stdout (a full disk, /dev/full) is the system's, named like the others.
    process.stderr.write(`teamsim: stdout: ${osErrorWords(e)}\n`);
    process.exit(2);
  });
  // A closed stderr only loses messages: the command finishes with its own status.
  process.stderr.on("error", () => {});
}
