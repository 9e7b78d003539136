import type { Command } from "commander";
import { mergeSweeps } from "../experiment/mergeSweeps.js";
import { parseSweepFormat } from "../experiment/parquetFiles.js";
import { packageVersion } from "../scenario/packageVersion.js";

/** `teamsim merge DIR... --out DIR`: combines the shard directories of one sweep. */
export function registerMergeCommand(program: Command): void {
  program
    .command("merge")
    .description(
      "combine the shard directories of one sweep (checks hash, missing and duplicate runs)",
    )
    .argument("<dirs...>", "shard directories written by `teamsim sweep --shard`")
    .requiredOption(
      "--out <dir>",
      "merged results directory: new, empty, or an earlier merge of the same sweep (never another sweep's)",
    )
    .option(
      "--format <jsonl|parquet>",
      "parquet also writes results.parquet and summary.parquet (default: the shards' format)",
    )
    .action((dirs: string[], flags: { out: string; format?: string }) => {
      const { results } = mergeSweeps(
        dirs,
        flags.out,
        {
          teamsim_version: packageVersion(),
          node_version: process.version,
          command: ["teamsim", ...process.argv.slice(2)],
        },
        flags.format === undefined ? undefined : parseSweepFormat(flags.format),
      );
      process.stdout.write(`merged ${dirs.length} shards: ${results} results in ${flags.out}\n`);
    });
}
