import Table from "cli-table3";
import type { Command } from "commander";
import { InputError } from "../core/InputError.js";
import { DEFAULT_MAX_N } from "../experiment/compareLaw.js";
import {
  type Candidate,
  DEFAULT_LAMBDA,
  DEFAULT_MU,
  DEFAULT_RECOMMEND_REPLICATES,
  OBJECTIVES,
  type Objective,
  type Recommendation,
  recommend,
} from "../experiment/recommend.js";
import { loadScenario } from "../scenario/loadScenario.js";
import { collect } from "./collect.js";
import { positiveInt } from "./compareCommand.js";
import { stableJson } from "./stableJson.js";

interface RecommendFlags {
  objective: string;
  budgetUsd?: string;
  deadlineS?: string;
  minAccuracy?: string;
  maxN?: string;
  structures?: string;
  replicates?: string;
  lambda?: string;
  mu?: string;
  set?: string[];
  json?: boolean;
  quiet?: boolean;
}

/** `teamsim recommend SCENARIO --objective ...`: the best team size and structure under constraints. */
export function registerRecommendCommand(program: Command): void {
  program
    .command("recommend")
    .description(
      "the best team size and structure for a scenario's task, under an objective and constraints (closed forms where they hold, simulation otherwise)",
    )
    .argument("<scenario>", "scenario file (YAML or JSON)")
    .requiredOption("--objective <what>", `what to optimize: ${OBJECTIVES.join(" | ")}`)
    .option("--budget-usd <x>", "exclude teams whose expected cost of one run exceeds x USD")
    .option("--deadline-s <y>", "exclude teams whose expected makespan exceeds y seconds")
    .option("--min-accuracy <z>", "exclude teams whose expected accuracy is below z")
    .option("--max-n <n>", `team sizes 1..n (default ${DEFAULT_MAX_N})`)
    .option(
      "--structures <a,b,...>",
      "protocols to consider (default: every protocol that runs the scenario's task family)",
    )
    .option(
      "--replicates <r>",
      `replicates simulated per candidate (default ${DEFAULT_RECOMMEND_REPLICATES})`,
    )
    .option("--lambda <l>", `utility weight of cost, per USD (default ${DEFAULT_LAMBDA})`)
    .option("--mu <m>", `utility weight of makespan, per second (default ${DEFAULT_MU})`)
    .option(
      "--set <path=value>",
      "override a scenario field (dotted path, YAML value; repeatable)",
      collect,
      [],
    )
    .option("--json", "print the recommendation and every candidate as one JSON document")
    .option("-q, --quiet", "no progress line")
    .addHelpText(
      "after",
      `
Candidates: every protocol that runs the scenario's task family (single only
with one agent; a protocol other than the scenario's runs with its defaults),
team sizes 1..--max-n. Each is simulated with --replicates replicates; where a
closed form holds its value replaces the simulated one (accuracy of
independent majority voting and of single: vote, vote-beta, vote-mixture), and
every number says its source ("closed form" or "simulation").
Expected cost and makespan are those of one run of the scenario (one replicate).

Objectives: accuracy (highest), cost (lowest), latency (lowest makespan),
utility (highest accuracy - lambda * cost_usd - mu * makespan_s; by default one
accuracy point, 0.01, is worth $1 and 100 s). Ties go to the cheaper team.
If no candidate meets the constraints the choice is null, with the reason
(exit code 0).

Examples:
  teamsim recommend scenarios/voting-mixture.yaml --objective accuracy
  teamsim recommend scenarios/voting-mixture.yaml --objective accuracy --budget-usd 2 --json
  teamsim recommend scenarios/voting-mixture.yaml --objective utility --structures independent,debate`,
    )
    .action((file: string, flags: RecommendFlags) => {
      if (!OBJECTIVES.includes(flags.objective as Objective)) {
        throw new InputError(
          "--objective",
          "",
          undefined,
          undefined,
          OBJECTIVES.join(" | "),
          JSON.stringify(flags.objective),
        );
      }
      const loaded = loadScenario(file, { sets: flags.set ?? [] });
      const progress = process.stderr.isTTY && !flags.quiet;
      const rec = recommend(loaded, {
        objective: flags.objective as Objective,
        budgetUsd: nonNegative("--budget-usd", flags.budgetUsd),
        deadlineS: nonNegative("--deadline-s", flags.deadlineS),
        minAccuracy: nonNegative("--min-accuracy", flags.minAccuracy),
        maxN: flags.maxN === undefined ? undefined : positiveInt("--max-n", flags.maxN),
        structures: flags.structures?.split(",").map((s) => s.trim()),
        replicates:
          flags.replicates === undefined
            ? undefined
            : positiveInt("--replicates", flags.replicates),
        lambda: nonNegative("--lambda", flags.lambda),
        mu: nonNegative("--mu", flags.mu),
        onCandidate: progress
          ? (i, total, protocol, n) =>
              process.stderr.write(`\rrecommend: ${protocol} n = ${n} (${i + 1}/${total})   `)
          : undefined,
      });
      if (progress) process.stderr.write("\r\x1b[K");
      process.stdout.write(flags.json ? `${stableJson(rec)}\n` : `${formatRecommendation(rec)}\n`);
    });
}

/** The human-readable recommendation: the choice, then every candidate. */
export function formatRecommendation(rec: Recommendation): string {
  const limits = [
    rec.constraints.budget_usd !== null ? `cost <= $${rec.constraints.budget_usd}` : "",
    rec.constraints.deadline_s !== null ? `makespan <= ${rec.constraints.deadline_s} s` : "",
    rec.constraints.min_accuracy !== null ? `accuracy >= ${rec.constraints.min_accuracy}` : "",
  ].filter((s) => s !== "");
  const head =
    `${rec.scenario}: best ${rec.objective}` +
    (limits.length > 0 ? ` with ${limits.join(", ")}` : "") +
    `; ${rec.candidates.length} candidates, ${rec.replicates} simulated replicates each`;
  const c = rec.choice;
  const choice =
    c === null
      ? `choice: none (${rec.reason})`
      : `choice: ${c["team.protocol"]} with ${c["agents.count"]} agent${c["agents.count"] === 1 ? "" : "s"}: accuracy ${fmt(c.accuracy)} (${c.source.accuracy}), ` +
        `makespan ${fmt(c.makespan_s)} s (${c.source.makespan_s}), cost $${fmt(c.cost_usd)} (${c.source.cost_usd})` +
        (rec.objective === "utility" ? `, utility ${fmt(c.utility)}` : "") +
        `\n  use: --set team.protocol=${c["team.protocol"]} --set agents.count=${c["agents.count"]}`;
  const table = new Table({
    head: ["protocol", "n", "accuracy", "makespan s", "cost $", "utility", "excluded"],
    style: { head: [], border: [], compact: true },
    colAligns: ["left", "right", "right", "right", "right", "right", "left"],
  });
  for (const k of rec.candidates) {
    table.push([
      k["team.protocol"],
      String(k["agents.count"]),
      mark(fmt(k.accuracy), k, "accuracy"),
      mark(fmt(k.makespan_s), k, "makespan_s"),
      mark(fmt(k.cost_usd), k, "cost_usd"),
      fmt(k.utility),
      k.excluded.join("; "),
    ]);
  }
  return [
    head,
    choice,
    table.toString(),
    "* closed form; other numbers are simulated means",
    ...(rec.skipped.length > 0
      ? rec.skipped.map(
          (s) => `skipped ${s["team.protocol"]} n = ${s["agents.count"]}: ${s.reason}`,
        )
      : []),
  ].join("\n");
}

function mark(text: string, c: Candidate, key: keyof Candidate["source"]): string {
  return c.source[key] === "closed form" ? `${text}*` : text;
}

function fmt(x: number): string {
  return Number.isFinite(x) ? Number(x.toPrecision(4)).toString() : String(x);
}

function nonNegative(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (text.trim() === "" || !Number.isFinite(v) || v < 0) {
    throw new InputError(flag, "", undefined, undefined, "a number >= 0", JSON.stringify(text));
  }
  return v;
}
