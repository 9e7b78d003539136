import type { ModelProfile } from "../agents/ModelProfile.js";
import { findLaw } from "../analytic/laws.js";
import { InputError } from "../core/InputError.js";
import { PROTOCOLS } from "../protocols/registry.js";
import { firstMembers } from "../scenario/firstMembers.js";
import type { LoadedScenario } from "../scenario/loadScenario.js";
import type { AgentGroup } from "../scenario/ScenarioSchema.js";
import { withOverrides } from "../scenario/withOverrides.js";
import { DEFAULT_MAX_N } from "./compareLaw.js";
import { compositionLabel, compositions, countCompositions } from "./compositions.js";
import { estimateRuns, sumEstimates, type WorkEstimate } from "./estimateWork.js";
import { accuracyLawName, costLawName, lawFromScenario, theoryAt } from "./lawFromScenario.js";
import { markParetoFront } from "./markParetoFront.js";
import { simulatePoint } from "./simulatePoint.js";

/** What `recommend` optimizes. */
export type Objective = "accuracy" | "cost" | "latency" | "utility";

/** The objectives, for the command line. */
export const OBJECTIVES: readonly Objective[] = ["accuracy", "cost", "latency", "utility"];

/** Where a number comes from. */
export type Source = "closed form" | "simulation";

/** Default replicates simulated per candidate. */
export const DEFAULT_RECOMMEND_REPLICATES = 20;
/** Default weight of cost in the utility: one accuracy point (0.01) is worth $1. */
export const DEFAULT_LAMBDA = 0.01;
/** Default weight of makespan in the utility: one accuracy point (0.01) is worth 100 s. */
export const DEFAULT_MU = 0.0001;
/** Default largest team when searching compositions of several models (--models). */
export const DEFAULT_COMPOSITION_MAX_N = 5;
/** Most candidates one recommend evaluates (each is simulated --replicates times). */
export const MAX_RECOMMEND_CANDIDATES = 3000;

/** Options of recommend. */
export interface RecommendOptions {
  objective: Objective;
  /** Exclude candidates whose expected cost of one run exceeds this (USD). */
  budgetUsd?: number;
  /** Exclude candidates whose expected makespan exceeds this (s). */
  deadlineS?: number;
  /** Exclude candidates whose expected accuracy is below this. */
  minAccuracy?: number;
  /** Largest team size (default 9; 5 with `models`). */
  maxN?: number;
  /**
   * Search compositions of these models too: which models, how many of each, in
   * which role (each structure's roles by position). Without it every team is
   * copies of the scenario's team resized.
   */
  models?: readonly string[];
  /** Protocols to consider (default: every one that runs the scenario's task family). */
  structures?: readonly string[];
  /** Replicates simulated per candidate (default 20). */
  replicates?: number;
  /** Utility weight of cost, per USD (default 0.01). */
  lambda?: number;
  /** Utility weight of makespan, per second (default 0.0001). */
  mu?: number;
  /** Called before each candidate is evaluated (for progress lines). */
  onCandidate?: (index: number, total: number, protocol: string, n: number, team: string) => void;
  /**
   * Called with the estimated work of every candidate's replicates once the
   * candidates are known, before any simulation (throw to refuse: guardWork).
   */
  guard?: (work: WorkEstimate) => void;
}

/** One team design with its expected accuracy, makespan and cost of one run. */
export interface Candidate {
  "team.protocol": string;
  "agents.count": number;
  /** The team's groups, with their roles (only when searching compositions). */
  groups?: AgentGroup[];
  /** The groups in one line, e.g. "leader 1×a + worker 4×b" (only when searching compositions). */
  composition?: string;
  accuracy: number;
  makespan_s: number;
  cost_usd: number;
  /** accuracy − lambda · cost_usd − mu · makespan_s. */
  utility: number;
  source: { accuracy: Source; makespan_s: Source; cost_usd: Source };
  /** Why the candidate is ruled out (empty: it meets every constraint). */
  excluded: string[];
  /**
   * On the Pareto front of the candidates that meet the constraints: no other
   * one is at least as accurate, as cheap and as fast, and better in one.
   */
  pareto: boolean;
}

/** The chosen candidate, with its settings also nested for scenario files. */
export type Choice = Candidate & {
  agents: { count: number } | AgentGroup[];
  team: { protocol: string };
};

/** The output of `teamsim recommend --json`. */
export interface Recommendation {
  scenario: string;
  objective: Objective;
  constraints: {
    budget_usd: number | null;
    deadline_s: number | null;
    min_accuracy: number | null;
  };
  utility: { definition: string; lambda: number; mu: number };
  /** Replicates simulated per candidate. */
  replicates: number;
  /** The models whose compositions were searched (null: the scenario's team resized). */
  models: string[] | null;
  choice: Choice | null;
  /** Why there is no choice (when choice is null). */
  reason?: string;
  candidates: Candidate[];
  /** Candidates that cannot run (the scenario is invalid for that protocol or team size). */
  skipped: {
    "team.protocol": string;
    "agents.count": number;
    composition?: string;
    reason: string;
  }[];
}

// One candidate to evaluate: a structure, a team size and, searching compositions, the groups.
interface Plan {
  protocol: string;
  n: number;
  groups?: AgentGroup[];
}

/**
 * The best team size and structure for the scenario under the objective and
 * constraints. Every candidate (protocol × team size) is simulated with a few
 * replicates; where a closed form holds for the candidate (a majority vote of
 * independent agents: vote / vote-beta / vote-mixture for accuracy; a cost law
 * when one applies) its value replaces the simulated one, and each number says
 * which it is.
 */
export function recommend(loaded: LoadedScenario, options: RecommendOptions): Recommendation {
  const { scenario } = loaded;
  const family = scenario.task.kind === "questions" ? "questions" : "workgraph";
  const replicates = options.replicates ?? DEFAULT_RECOMMEND_REPLICATES;
  const lambda = options.lambda ?? DEFAULT_LAMBDA;
  const mu = options.mu ?? DEFAULT_MU;
  const runnable = PROTOCOLS.filter((p) => p.tasks.includes(family)).map((p) => p.name);
  const structures = options.structures ?? runnable;
  for (const s of structures) {
    if (!runnable.includes(s)) {
      throw new InputError(
        "--structures",
        "",
        undefined,
        undefined,
        `protocols that run ${family === "questions" ? "questions" : "work graphs"} (${runnable.join(", ")})`,
        JSON.stringify(s),
      );
    }
  }
  const models = options.models === undefined ? undefined : checkModels(loaded, options.models);
  const maxN = options.maxN ?? (models === undefined ? DEFAULT_MAX_N : DEFAULT_COMPOSITION_MAX_N);
  const plan =
    models === undefined
      ? sizePlan(runnable, structures, maxN)
      : compositionPlan(loaded, models, runnable, structures, maxN);
  options.guard?.(sumEstimates(plan.map((c) => candidateWork(loaded, c, replicates))));
  const candidates: Candidate[] = [];
  const skipped: Recommendation["skipped"] = [];
  plan.forEach(({ protocol, n, groups }, i) => {
    const label = groups === undefined ? undefined : compositionLabel(groups);
    options.onCandidate?.(i, plan.length, protocol, n, label ?? `n = ${n}`);
    let c: Candidate;
    try {
      c = evaluate(loaded, protocol, n, groups, replicates, lambda, mu);
    } catch (e) {
      // E.g. a fault plan naming agent-4 in a team of 3.
      if (!(e instanceof InputError)) throw e;
      skipped.push({
        "team.protocol": protocol,
        "agents.count": n,
        ...(label === undefined ? {} : { composition: label }),
        reason: e.message,
      });
      return;
    }
    if (options.budgetUsd !== undefined && c.cost_usd > options.budgetUsd)
      c.excluded.push(`cost ${round(c.cost_usd)} USD > budget ${options.budgetUsd}`);
    if (options.deadlineS !== undefined && c.makespan_s > options.deadlineS)
      c.excluded.push(`makespan ${round(c.makespan_s)} s > deadline ${options.deadlineS}`);
    if (options.minAccuracy !== undefined && c.accuracy < options.minAccuracy)
      c.excluded.push(`accuracy ${round(c.accuracy)} < minimum ${options.minAccuracy}`);
    candidates.push(c);
  });
  markParetoFront(candidates.filter((c) => c.excluded.length === 0));
  const feasible = candidates.filter((c) => c.excluded.length === 0);
  let best: Candidate | undefined;
  for (const c of feasible) if (best === undefined || better(c, best, options.objective)) best = c;
  const out: Recommendation = {
    scenario: scenario.name,
    objective: options.objective,
    constraints: {
      budget_usd: options.budgetUsd ?? null,
      deadline_s: options.deadlineS ?? null,
      min_accuracy: options.minAccuracy ?? null,
    },
    utility: { definition: "accuracy - lambda * cost_usd - mu * makespan_s", lambda, mu },
    replicates,
    models: models === undefined ? null : [...models],
    choice:
      best === undefined
        ? null
        : {
            ...best,
            agents: best.groups ?? { count: best["agents.count"] },
            team: { protocol: best["team.protocol"] },
          },
    candidates,
    skipped,
  };
  if (best === undefined) {
    out.reason =
      candidates.length === 0
        ? "no candidate to evaluate"
        : `none of the ${candidates.length} candidates meets the constraints`;
  }
  return out;
}

// Every structure at team sizes 1..maxN, copies of the scenario's team resized.
function sizePlan(runnable: string[], structures: readonly string[], maxN: number): Plan[] {
  const plan: Plan[] = [];
  for (const protocol of runnable) {
    if (!structures.includes(protocol)) continue;
    // `single` ignores every agent but agent-0: one candidate is enough.
    const sizes = protocol === "single" ? 1 : maxN;
    if (plan.length + sizes > MAX_RECOMMEND_CANDIDATES)
      throw tooMany("--max-n", plan.length + sizes);
    for (let n = 1; n <= sizes; n++) plan.push({ protocol, n });
  }
  return plan;
}

// Every structure at team sizes 1..maxN, with every composition of the models in its roles.
function compositionPlan(
  loaded: LoadedScenario,
  models: readonly string[],
  runnable: string[],
  structures: readonly string[],
  maxN: number,
): Plan[] {
  const plan: Plan[] = [];
  let count = 0;
  for (const protocol of runnable) {
    if (!structures.includes(protocol)) continue;
    const module = PROTOCOLS.find((p) => p.name === protocol);
    if (module === undefined) continue;
    // The scenario's own structure keeps its options; another runs with its defaults.
    const options =
      protocol === loaded.scenario.team.protocol
        ? loaded.scenario.team
        : module.schema.parse({ protocol });
    const sizes = protocol === "single" ? [1] : Array.from({ length: maxN }, (_, i) => i + 1);
    for (const n of sizes) {
      // Sizes the structure refuses (mixture-of-agents needs 2) are not candidates.
      if ((module.checkTeam?.(options, n) ?? []).length > 0) continue;
      const roles = module.roles?.(options, n) ?? Array.from({ length: n }, () => "member");
      // Count before listing: a search too large to run is refused before it is built.
      count += countCompositions(models.length, roles, module.orderedMembers);
      if (count > MAX_RECOMMEND_CANDIDATES) throw tooMany("--models", count);
      for (const groups of compositions(models, roles, module.orderedMembers)) {
        // A structure without roles takes groups without them.
        plan.push({
          protocol,
          n,
          groups: module.roles === undefined ? groups.map(({ role: _r, ...g }) => g) : groups,
        });
      }
    }
  }
  return plan;
}

// A candidate's estimated work: its structure with the scenario's options or its
// defaults (as candidateScenario runs it), at its team size.
function candidateWork(loaded: LoadedScenario, c: Plan, replicates: number): WorkEstimate {
  const own = c.protocol === loaded.scenario.team.protocol;
  const module = PROTOCOLS.find((p) => p.name === c.protocol);
  const team =
    own || module === undefined
      ? loaded.scenario.team
      : module.schema.parse({ protocol: c.protocol });
  return estimateRuns(loaded.scenario, { agents: c.n, team: team as never, replicates });
}

// A search past the limit: refused before any simulation, with what to narrow.
function tooMany(flag: string, count: number): InputError {
  return new InputError(
    flag,
    "",
    undefined,
    undefined,
    `at most ${MAX_RECOMMEND_CANDIDATES} candidates (fewer models, a smaller --max-n or fewer --structures)`,
    `${count} candidates or more`,
  );
}

// The models to search, each one a profile in models/ (exit 2 otherwise), without repeats.
function checkModels(loaded: LoadedScenario, models: readonly string[]): string[] {
  const known = [...loaded.profiles.keys()];
  const out: string[] = [];
  for (const m of models) {
    if (!known.includes(m)) {
      throw new InputError(
        "--models",
        "",
        undefined,
        undefined,
        `models from models/ (${known.join(", ")})`,
        JSON.stringify(m),
      );
    }
    if (!out.includes(m)) out.push(m);
  }
  if (out.length === 0) {
    throw new InputError("--models", "", undefined, undefined, "at least one model", "none");
  }
  return out;
}

// The candidate's scenario: a protocol other than the scenario's own runs with its defaults.
function candidateScenario(
  loaded: LoadedScenario,
  protocol: string,
  n: number,
  groups: AgentGroup[] | undefined,
): LoadedScenario {
  const other = protocol !== loaded.scenario.team.protocol;
  const sets: string[] = [];
  if (groups !== undefined) {
    sets.push(`agents=${JSON.stringify(groups)}`);
  } else {
    // A team of several groups: its first n members, the last group grown past its size.
    // Roles are a structure's: under another structure they go by its positions.
    const agents = (loaded.input as { agents?: unknown } | null)?.agents;
    const team = (list: unknown) =>
      other ? (list as Record<string, unknown>[]).map(({ role: _role, ...g }) => g) : list;
    sets.push(
      Array.isArray(agents) || (other && (agents as { role?: unknown } | undefined)?.role)
        ? `agents=${JSON.stringify(team([firstMembers(agents, n)].flat()))}`
        : `agents.count=${n}`,
    );
  }
  if (other) sets.push(`team={protocol: ${protocol}}`);
  return withOverrides(loaded, sets);
}

function evaluate(
  loaded: LoadedScenario,
  protocol: string,
  n: number,
  groups: AgentGroup[] | undefined,
  replicates: number,
  lambda: number,
  mu: number,
): Candidate {
  const at = candidateScenario(loaded, protocol, n, groups);
  // One model's closed forms; a team of several models is simulated only.
  const profile = at.profiles.get(at.scenario.agents.model);
  const sim = simulatePoint(at, { replicates });
  let accuracy = sim.accuracy.mean;
  let cost = sim.cost_usd.mean;
  const source: Candidate["source"] = {
    accuracy: "simulation",
    makespan_s: "simulation",
    cost_usd: "simulation",
  };
  const a = profile && closedForm(accuracyLawName(at.scenario), at, profile, n);
  if (a !== undefined) {
    accuracy = a;
    source.accuracy = "closed form";
  }
  const c = profile && closedForm(costLawName(at.scenario), at, profile, n);
  if (c !== undefined) {
    cost = c;
    source.cost_usd = "closed form";
  }
  const makespan = sim.makespan_s.mean;
  return {
    "team.protocol": protocol,
    "agents.count": n,
    ...(groups === undefined ? {} : { groups, composition: compositionLabel(groups) }),
    accuracy,
    makespan_s: makespan,
    cost_usd: cost,
    utility: accuracy - lambda * cost - mu * makespan,
    source,
    excluded: [],
    pareto: false,
  };
}

// The law's value for this candidate, or undefined when the law does not map onto it.
function closedForm(
  lawName: string | undefined,
  at: LoadedScenario,
  profile: ModelProfile,
  n: number,
): number | undefined {
  if (lawName === undefined) return undefined;
  const law = findLaw(lawName);
  if (law === undefined) return undefined;
  try {
    return theoryAt(law, lawFromScenario(law, at, profile), n);
  } catch (e) {
    if (e instanceof InputError) return undefined;
    throw e;
  }
}

// Whether a beats b; ties go to the cheaper, then the faster, then the one listed first.
function better(a: Candidate, b: Candidate, objective: Objective): boolean {
  const score = (c: Candidate) => {
    switch (objective) {
      case "accuracy":
        return c.accuracy;
      case "cost":
        return -c.cost_usd;
      case "latency":
        return -c.makespan_s;
      case "utility":
        return c.utility;
    }
  };
  if (score(a) !== score(b)) return score(a) > score(b);
  // Then cheaper, then faster: the choice is never dominated (it is on the Pareto front).
  if (a.cost_usd !== b.cost_usd) return a.cost_usd < b.cost_usd;
  return a.makespan_s < b.makespan_s;
}

function round(x: number): number {
  return Number(x.toPrecision(4));
}
