import Table from "cli-table3";
import type { Command } from "commander";
import { distMean } from "../core/Distribution.js";
import { loadModelProfiles } from "../scenario/loadModelProfiles.js";

/** `teamsim models`: lists the model profiles and their key numbers. */
export function registerModelsCommand(program: Command): void {
  program
    .command("models")
    .description("list the model profiles in models/ with prices, speed, skill and failure rates")
    .option("--json", "print the full profiles as JSON")
    .action((flags: { json?: boolean }) => {
      const profiles = [...loadModelProfiles().values()];
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(profiles, null, 2)}\n`);
        return;
      }
      const table = new Table({
        head: [
          "model",
          "provider",
          "$/Mtok in",
          "$/Mtok out",
          "mean TTFT s",
          "mean tok/s",
          "mean out tok",
          "skill",
          "error rate",
        ],
        style: { head: [], border: [], compact: true },
      });
      for (const p of profiles) {
        table.push([
          p.name,
          p.provider,
          p.price.input_per_mtok,
          p.price.output_per_mtok,
          distMean(p.latency.ttft).toPrecision(3),
          distMean(p.latency.decode_tokens_per_s).toPrecision(3),
          distMean(p.tokens.output).toPrecision(3),
          p.skill.value,
          p.failures.transient_error_rate,
        ]);
      }
      process.stdout.write(`${table.toString()}\n`);
    });
}
