import Table from "cli-table3";
import type { Command } from "commander";
import { InputError } from "../core/InputError.js";
import { checkMaxN, DEFAULT_MAX_N } from "../experiment/compareLaw.js";
import { guardWork, YES_HELP } from "../experiment/estimateWork.js";
import {
  type Candidate,
  DEFAULT_COMPOSITION_MAX_N,
  DEFAULT_LAMBDA,
  DEFAULT_MU,
  DEFAULT_RECOMMEND_REPLICATES,
  MAX_RECOMMEND_CANDIDATES,
  OBJECTIVES,
  type Objective,
  type Recommendation,
  recommend,
} from "../experiment/recommend.js";
import { loadScenario } from "../scenario/loadScenario.js";
import { recommendSpec } from "../viz/recommendSpec.js";
import { figureFormat, writeFigure } from "../viz/writeFigure.js";
import { collect } from "./collect.js";
import { positiveInt } from "./compareCommand.js";
import { stableJson } from "./stableJson.js";
import { type StepProgress, stepProgress } from "./stepProgress.js";

interface RecommendFlags {
  objective: string;
  budgetUsd?: string;
  deadlineS?: string;
  minAccuracy?: string;
  maxN?: string;
  models?: string;
  output?: string;
  structures?: string;
  replicates?: string;
  lambda?: string;
  mu?: string;
  set?: string[];
  json?: boolean;
  quiet?: boolean;
  yes?: boolean;
}

/** `teamsim recommend SCENARIO --objective ...`: the best team size and structure under constraints. */
export function registerRecommendCommand(program: Command): void {
  program
    .command("recommend")
    .description(
      "the best team size, structure and (with --models) composition for a scenario's task, under an objective and constraints, with the Pareto front of accuracy, cost and makespan",
    )
    .argument("<scenario>", "scenario file (YAML or JSON)")
    .option("--objective <what>", `what to optimize: ${OBJECTIVES.join(" | ")}`, "accuracy")
    .option("--budget-usd <x>", "exclude teams whose expected cost of one run exceeds x USD")
    .option("--deadline-s <y>", "exclude teams whose expected makespan exceeds y seconds")
    .option("--min-accuracy <z>", "exclude teams whose expected accuracy is below z")
    .option(
      "--models <a,b,...>",
      "search compositions of these models: which models, how many of each, in which role (the scenario's agents are replaced)",
    )
    .option(
      "--max-n <n>",
      `team sizes 1..n (default ${DEFAULT_MAX_N}; ${DEFAULT_COMPOSITION_MAX_N} with --models)`,
    )
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
    .option(
      "-o, --output <file>",
      "draw the candidates' accuracy against cost, the Pareto front and the choice (.svg, .png or .html)",
    )
    .option("--json", "print the recommendation and every candidate as one JSON document")
    .option("-q, --quiet", "no progress line")
    .option("-y, --yes", YES_HELP)
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

Compositions (--models a,b,c): each structure's members get their roles by
position (teamsim protocols); members sharing a role take every multiset of
the models (a leader of each model with every mix of workers, a panel of every
mix), a cascade every order of distinct models. The table then lists the
Pareto front (no other team is at least as accurate, as cheap and as fast and
better in one) of the teams that meet the constraints, the choice marked >;
--json lists every candidate. At most ${MAX_RECOMMEND_CANDIDATES} candidates.

Objectives: accuracy (highest), cost (lowest), latency (lowest makespan),
utility (highest accuracy - lambda * cost_usd - mu * makespan_s; by default one
accuracy point, 0.01, is worth $1 and 100 s). Ties go to the cheaper team.
The default objective is accuracy. If no candidate meets the constraints
the choice is null, with the reason (exit code 0).

Examples:
  teamsim recommend scenarios/voting-mixture.yaml --objective accuracy
  teamsim recommend scenarios/voting-mixture.yaml --objective accuracy --budget-usd 2 --json
  teamsim recommend scenarios/voting-mixture.yaml --objective utility --structures independent,debate
  teamsim recommend scenarios/cascade.yaml --models gemini-3-flash,claude-sonnet-4-6 --budget-usd 1 -o front.svg`,
    )
    .action(async (file: string, flags: RecommendFlags) => {
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
      // Check the figure's path before minutes of simulation, not after.
      if (flags.output !== undefined) figureFormat(flags.output);
      const loaded = loadScenario(file, { sets: flags.set ?? [] });
      // The number of candidates is known at the first one.
      let progress: StepProgress | undefined;
      let steps = 0;
      let rec: Recommendation;
      try {
        rec = recommend(loaded, {
          objective: flags.objective as Objective,
          budgetUsd: nonNegative("--budget-usd", flags.budgetUsd),
          deadlineS: nonNegative("--deadline-s", flags.deadlineS),
          minAccuracy: nonNegative("--min-accuracy", flags.minAccuracy),
          maxN:
            flags.maxN === undefined ? undefined : checkMaxN(positiveInt("--max-n", flags.maxN)),
          models: flags.models?.split(",").map((m) => m.trim()),
          structures: flags.structures?.split(",").map((s) => s.trim()),
          replicates:
            flags.replicates === undefined
              ? undefined
              : positiveInt("--replicates", flags.replicates),
          lambda: nonNegative("--lambda", flags.lambda),
          mu: nonNegative("--mu", flags.mu),
          guard: (work) => guardWork(work, file, flags),
          onCandidate: (i, total, protocol, _n, team) => {
            steps = total;
            progress ??= stepProgress("recommend: candidates", total, flags.quiet === true);
            progress.update(i, `${protocol} ${team}`);
          },
        });
        progress?.update(steps);
      } finally {
        progress?.stop();
      }
      process.stdout.write(flags.json ? `${stableJson(rec)}\n` : `${formatRecommendation(rec)}\n`);
      if (flags.output !== undefined) {
        const spec = recommendSpec(
          rec.candidates.map((c) => ({
            series: c["team.protocol"],
            team: c.composition ?? `${c["agents.count"]} agents`,
            cost_usd: c.cost_usd,
            accuracy: c.accuracy,
            makespan_s: c.makespan_s,
            status: c.excluded.length > 0 ? "excluded" : c.pareto ? "front" : "dominated",
            chosen: c === rec.candidates[chosenIndex(rec)],
          })),
          {
            title: `${rec.scenario}: accuracy against cost, best ${rec.objective}`,
            xTitle: "expected cost of one run (USD, log scale)",
            yTitle: "accuracy",
          },
        );
        await writeFigure(spec, flags.output);
      }
    });
}

/** The human-readable recommendation: the choice, then every candidate (or, searching compositions, the Pareto front). */
export function formatRecommendation(rec: Recommendation): string {
  const limits = [
    rec.constraints.budget_usd !== null ? `cost <= $${rec.constraints.budget_usd}` : "",
    rec.constraints.deadline_s !== null ? `makespan <= ${rec.constraints.deadline_s} s` : "",
    rec.constraints.min_accuracy !== null ? `accuracy >= ${rec.constraints.min_accuracy}` : "",
  ].filter((s) => s !== "");
  const head =
    `${rec.scenario}: best ${rec.objective}` +
    (limits.length > 0 ? ` with ${limits.join(", ")}` : "") +
    (rec.models === null ? "" : ` over teams of ${rec.models.join(", ")}`) +
    `; ${rec.candidates.length} candidates, ${rec.replicates} simulated replicates each`;
  const c = rec.choice;
  const team =
    c === null
      ? ""
      : c.composition !== undefined
        ? `${c.composition} (${c["agents.count"]} agent${c["agents.count"] === 1 ? "" : "s"})`
        : `${c["agents.count"]} agent${c["agents.count"] === 1 ? "" : "s"}`;
  const use =
    c === null
      ? ""
      : c.groups !== undefined
        ? `\n  use: --set team.protocol=${c["team.protocol"]} --set 'agents=${flowGroups(c.groups)}'`
        : `\n  use: --set team.protocol=${c["team.protocol"]} --set agents.count=${c["agents.count"]}`;
  const choice =
    c === null
      ? `choice: none (${rec.reason})`
      : `choice: ${c["team.protocol"]} with ${team}: accuracy ${fmt(c.accuracy)} (${c.source.accuracy}), ` +
        `makespan ${fmt(c.makespan_s)} s (${c.source.makespan_s}), cost $${fmt(c.cost_usd)} (${c.source.cost_usd})` +
        (rec.objective === "utility" ? `, utility ${fmt(c.utility)}` : "") +
        use;
  if (rec.models !== null) return [head, choice, ...formatFront(rec)].join("\n");
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

/** Index of the chosen candidate in rec.candidates (-1 without a choice). */
export function chosenIndex(rec: Recommendation): number {
  const c = rec.choice;
  if (c === null) return -1;
  return rec.candidates.findIndex(
    (k) =>
      k["team.protocol"] === c["team.protocol"] &&
      k["agents.count"] === c["agents.count"] &&
      k.composition === c.composition,
  );
}

// The Pareto front of the teams within the constraints, cheapest first, the choice marked.
function formatFront(rec: Recommendation): string[] {
  const chosen = rec.candidates[chosenIndex(rec)];
  const front = rec.candidates
    .filter((k) => k.pareto)
    .sort((a, b) => a.cost_usd - b.cost_usd || b.accuracy - a.accuracy);
  const feasible = rec.candidates.filter((k) => k.excluded.length === 0).length;
  const table = new Table({
    head: ["", "protocol", "team", "accuracy", "makespan s", "cost $", "utility"],
    style: { head: [], border: [], compact: true },
    colAligns: ["left", "left", "left", "right", "right", "right", "right"],
  });
  for (const k of front) {
    table.push([
      k === chosen ? ">" : "",
      k["team.protocol"],
      k.composition ?? String(k["agents.count"]),
      mark(fmt(k.accuracy), k, "accuracy"),
      mark(fmt(k.makespan_s), k, "makespan_s"),
      mark(fmt(k.cost_usd), k, "cost_usd"),
      fmt(k.utility),
    ]);
  }
  const shown = rec.skipped.slice(0, 3);
  return [
    `Pareto front of accuracy, cost and makespan: ${front.length} of the ${feasible} teams that meet the constraints (${rec.candidates.length - feasible} do not)`,
    table.toString(),
    "* closed form; other numbers are simulated means; --json lists every candidate",
    ...shown.map(
      (s) =>
        `skipped ${s["team.protocol"]} ${s.composition ?? `n = ${s["agents.count"]}`}: ${s.reason}`,
    ),
    ...(rec.skipped.length > shown.length
      ? [`... and ${rec.skipped.length - shown.length} more skipped (see --json)`]
      : []),
  ];
}

// The groups as a YAML flow sequence for --set: [{model: a, count: 1, role: leader}, ...].
function flowGroups(groups: readonly { model: string; count: number; role?: string }[]): string {
  const one = (g: (typeof groups)[number]) =>
    `{model: ${g.model}, count: ${g.count}${g.role === undefined ? "" : `, role: ${g.role}`}}`;
  return `[${groups.map(one).join(", ")}]`;
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
