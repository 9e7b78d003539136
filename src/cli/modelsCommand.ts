import Table from "cli-table3";
import type { Command } from "commander";
import { meanCallLatency } from "../agents/meanCallLatency.js";
import { type DistSpec, distMean } from "../core/Distribution.js";
import { loadModelProfiles } from "../scenario/loadModelProfiles.js";

// A profile with a whole-call latency has no TTFT or decode speed: shown as "-".
function meanOf(spec: DistSpec | undefined): string {
  return spec === undefined ? "-" : precision3(distMean(spec));
}

function precision3(v: number): string {
  return Number.isFinite(v) ? v.toPrecision(3) : "-";
}

/** `teamsim models`: lists the model profiles and their key numbers. */
export function registerModelsCommand(program: Command): void {
  program
    .command("models")
    .description(
      "list the model profiles in models/ with prices, speed, mean call latency, skill and failure rates",
    )
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
          "mean call s",
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
          meanOf(p.latency.ttft),
          meanOf(p.latency.decode_tokens_per_s),
          meanOf(p.tokens.output),
          precision3(meanCallLatency(p)),
          p.skill.value,
          p.failures.transient_error_rate,
        ]);
      }
      process.stdout.write(`${table.toString()}\n`);
    });
}
