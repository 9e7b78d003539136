import { type Command, CommanderError } from "commander";
import { stringify } from "yaml";
import { InputError } from "../core/InputError.js";
import { type CheckResult, checkScenario } from "../experiment/checkScenario.js";
import { guardWork, YES_HELP } from "../experiment/estimateWork.js";
import { writeFileAtomic } from "../experiment/ResultsFile.js";
import { loadScenario } from "../scenario/loadScenario.js";
import { collect } from "./collect.js";
import { stableJson } from "./stableJson.js";
import { stepProgress } from "./stepProgress.js";

interface CheckFlags {
  runs: string;
  seed: string;
  maxFaults: string;
  shrinkRuns: string;
  set?: string[];
  out?: string;
  json?: boolean;
  quiet?: boolean;
  yes?: boolean;
}

/** Most plans one check may run. */
const MAX_RUNS = 100_000;

// A positive integer flag, or exit 2 naming it.
function intFlag(name: string, value: string, min: number, max: number): number {
  const v = Number(value);
  if (!Number.isInteger(v) || v < min || v > max) {
    const expected = `an integer from ${min} to ${max}`;
    throw new InputError(name, "", undefined, undefined, expected, JSON.stringify(value));
  }
  return v;
}

/** `teamsim check SCENARIO`: random fault plans against the checkers, shrinking the first failure. */
export function registerCheckCommand(program: Command): void {
  program
    .command("check")
    .description(
      "search random fault plans (crashes, recoveries, partitions, loss, duplication, delay, Byzantine agents up to the protocol's bound) for a safety or liveness violation; shrink the first one found and write it as a runnable scenario (exit 1), or report what was tried (exit 0)",
    )
    .argument("<scenario>", "scenario file (YAML or JSON); its team, task and network are kept")
    .option("--runs <n>", "random fault plans to try", "100")
    .option("--seed <n>", "seed of the plan generator (the same seed tries the same plans)", "1")
    .option("--max-faults <k>", "most faults in one generated plan", "4")
    .option("--shrink-runs <n>", "most runs spent shrinking a failing plan", "500")
    .option(
      "--set <path=value>",
      "override a scenario field first (dotted path, YAML value; repeatable)",
      collect,
      [],
    )
    .option(
      "-o, --out <file>",
      "where to write the shrunk failing scenario (default: <scenario name>-violation.yaml)",
    )
    .option("--json", "print the result as JSON (plans, fault kinds, the violation if any)")
    .option("-q, --quiet", "no progress")
    .option("-y, --yes", YES_HELP)
    .addHelpText(
      "after",
      `
Each plan runs one replicate (no speedup baseline) with its own seed, and is
judged by every safety checker (agreement, validity, election safety, log
matching) and the liveness checker (eventual decision once faults heal).
Faults start within the makespan of a fault-free run and last at most as long.

Examples:
  teamsim check scenarios/raft-failover.yaml --runs 1000
  teamsim check scenarios/gossip.yaml --set team.until=rounds -o gossip-split.yaml
  teamsim check scenarios/pbft-byzantine.yaml --set agents.count=7 --runs 500 --json`,
    )
    .action((file: string, flags: CheckFlags) => {
      const runs = intFlag("--runs", flags.runs, 1, MAX_RUNS);
      const seed = intFlag("--seed", flags.seed, 0, 2 ** 31 - 1);
      const maxFaults = intFlag("--max-faults", flags.maxFaults, 1, 20);
      const shrinkRuns = intFlag("--shrink-runs", flags.shrinkRuns, 0, MAX_RUNS);
      const loaded = loadScenario(file, { sets: flags.set ?? [] });
      const progress = stepProgress("fault plans", runs, flags.quiet === true);
      let result: CheckResult;
      try {
        result = checkScenario(loaded, {
          runs,
          seed,
          maxFaults,
          shrinkRuns,
          guard: (work) => guardWork(work, file, flags),
          onPlan: () => progress.tick(),
          onFound: (plan) => {
            progress.stop();
            if (!flags.quiet && !flags.json)
              process.stderr.write(`teamsim: violation in plan ${plan}; shrinking it\n`);
          },
        });
      } finally {
        progress.stop();
      }
      const v = result.violation;
      let out: string | undefined;
      if (v !== null) {
        out = flags.out ?? `${result.scenario.replace(/[^A-Za-z0-9._-]+/g, "-")}-violation.yaml`;
        const header = [
          `# Found by: teamsim check ${file} --runs ${runs} --seed ${seed}${(flags.set ?? []).map((s) => ` --set '${s}'`).join("")}`,
          `# ${v.check}: ${v.detail}`,
          `# Reproduce: teamsim run ${out}`,
        ];
        writeFileAtomic(out, `${header.join("\n")}\n${stringify(v.scenario)}`);
      }
      if (flags.json) {
        const { scenario: _doc, ...violation } = v ?? { scenario: null };
        const json = { ...result, violation: v === null ? null : { ...violation, file: out } };
        process.stdout.write(`${stableJson(json)}\n`);
      } else {
        process.stdout.write(`${formatCheck(result, out)}\n`);
      }
      if (v !== null) throw new CommanderError(1, "teamsim.violation", v.detail);
    });
}

/** The human-readable report of a check. */
export function formatCheck(r: CheckResult, file: string | undefined): string {
  const head = `check ${r.scenario} (${r.protocol}, ${r.agents} agents), plan seed ${r.seed}`;
  const kinds = Object.entries(r.kinds)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, c]) => `${k} ${c}`)
    .join(", ");
  const tried = `fault kinds tried (${Object.keys(r.kinds).length}): ${kinds}`;
  const v = r.violation;
  if (v === null) return [head, `no violation in ${r.plans} plans`, tried].join("\n");
  const lines = [
    head,
    `violation in plan ${v.found_at_plan} (of up to ${r.runs})`,
    `${v.check}: ${v.detail}`,
    `shrunk from ${v.original_faults} to ${v.faults.length} fault${v.faults.length === 1 ? "" : "s"} in ${v.shrink_runs} runs; ${v.agents} agents, scenario seed ${v.seed}:`,
    ...v.faults.map(
      (f) =>
        `  - ${stringify(f, { collectionStyle: "flow", lineWidth: 0, flowCollectionPadding: false }).trim()}`,
    ),
    `wrote ${file}; reproduce with: teamsim run ${file}`,
  ];
  return lines.join("\n");
}
