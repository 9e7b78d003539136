import type { Command } from "commander";
import { Rng } from "../core/Rng.js";
import { buildTask, replicateSeed } from "../experiment/runReplicate.js";
import { loadScenario } from "../scenario/loadScenario.js";
import type { Scenario } from "../scenario/ScenarioSchema.js";
import { collect } from "./collect.js";
import { teamLabel } from "./formatReport.js";
import { terminalText } from "./terminalText.js";

/** `teamsim validate FILE`: checks a scenario and prints what it describes. */
export function registerValidateCommand(program: Command): void {
  program
    .command("validate")
    .description("check a scenario file (exit 0 if valid, 2 with a located message if not)")
    .argument("<scenario>", "scenario file (YAML or JSON)")
    .option("--set <path=value>", "apply an override before validating (repeatable)", collect, [])
    .option("--json", "print the scenario with every default filled in, as JSON")
    .action((file: string, flags: { set: string[]; json?: boolean }) => {
      const { scenario } = loadScenario(file, { sets: flags.set });
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(scenario, null, 2)}\n`);
        return;
      }
      process.stdout.write(
        `${terminalText(file)}: valid — "${terminalText(scenario.name)}": ${scenario.team.protocol} team of ${teamLabel(scenario.agents.count, scenario.agents.model)}, ` +
          `${describeTask(scenario)}, ${scenario.replicates} replicates, seed ${scenario.seed}, ${scenario.faults.length} faults\n`,
      );
    });
}

// Replicate 0's task: for a work graph, its size, work and critical path.
function describeTask(scenario: Scenario): string {
  const task = buildTask(scenario.task, new Rng(replicateSeed(scenario.seed, 0)));
  if (task.kind === "questions") return `${task.size} questions`;
  return (
    `${scenario.task.kind} of ${task.size} subtasks (replicate 0: work ${task.totalWork} tokens, ` +
    `critical path ${task.criticalPathLength} subtasks / ${task.criticalPathWork} tokens)`
  );
}
