import fc from "fast-check";
import { stringify } from "yaml";
import type { Verdict } from "../checkers/Verdict.js";
import { InputError } from "../core/InputError.js";
import type { FaultInput } from "../faults/FaultSchema.js";
import { healTime } from "../faults/healTime.js";
import { getProtocol } from "../protocols/registry.js";
import { firstMembers } from "../scenario/firstMembers.js";
import type { LoadedScenario } from "../scenario/loadScenario.js";
import { type Scenario, scenarioSchema } from "../scenario/ScenarioSchema.js";
import { parseSourceText, validateDocument } from "../scenario/validateYaml.js";
import { estimateRuns, type WorkEstimate } from "./estimateWork.js";
import {
  faultPlanArbitrary,
  type GenFault,
  kindOf,
  type PlanCase,
  toFaults,
} from "./faultPlanArbitrary.js";
import { runReplicate } from "./runReplicate.js";

/** Options of a check. */
export interface CheckOptions {
  /** Random fault plans to try. */
  runs: number;
  /** fast-check's seed: the same seed tries the same plans. */
  seed: number;
  /** Most faults in one generated plan. */
  maxFaults: number;
  /** Most runs spent shrinking a failing plan (then the smallest failing one so far is kept). */
  shrinkRuns: number;
  /** Called after each plan of the search. */
  onPlan?: (done: number, total: number) => void;
  /** Called once a violation is found, before shrinking starts. */
  onFound?: (plan: number) => void;
  /**
   * Called with the estimated work (a fault-free run, every plan, every
   * shrinking run) before any simulation (throw to refuse: guardWork).
   */
  guard?: (work: WorkEstimate) => void;
}

/** The failing plan `teamsim check` found and shrank. */
export interface CheckViolation {
  check: string;
  detail: string;
  /** Which plan of the search failed first (1-based), and how many faults it had. */
  found_at_plan: number;
  original_faults: number;
  /** Runs spent shrinking it. */
  shrink_runs: number;
  agents: number;
  /** The scenario's seed that reproduces it (replicate 0). */
  seed: number;
  faults: FaultInput[];
  /** The whole runnable scenario document (what `teamsim check` writes). */
  scenario: Record<string, unknown>;
}

/** What a check did and found. */
export interface CheckResult {
  scenario: string;
  protocol: string;
  agents: number;
  seed: number;
  /** Plans the search was allowed. */
  runs: number;
  /** Plans run in the search (up to the first violation). */
  plans: number;
  /** Fault kinds in the plans tried, with how many faults of each. */
  kinds: Record<string, number>;
  /** Seconds within which generated faults start and last: a fault-free run's makespan. */
  time_scale_s: number;
  violation: CheckViolation | null;
}

/** Most items times agents times plans a check may simulate (a guard against runaway jobs). */
export const MAX_CHECK_WORK = 2e8;

/**
 * Jepsen's nemesis as a function: runs `runs` random fault plans (crashes and
 * recoveries, changing partitions, loss/duplication/delay windows, Byzantine
 * agents up to the protocol's bound) against one replicate of the scenario each,
 * judged by every safety checker and the liveness checker. The first violation
 * is shrunk by fast-check (fewer faults, fewer agents named, earlier starts,
 * shorter windows and earlier heals), then the team itself is shrunk where a
 * smaller one still fails. Deterministic in `seed`.
 */
export function checkScenario(loaded: LoadedScenario, options: CheckOptions): CheckResult {
  const { scenario, profiles } = loaded;
  const module = getProtocol(scenario.team.protocol);
  const n = scenario.agents.count;
  const items = scenario.task.kind === "questions" ? scenario.task.items : 1;
  const work = items * n * options.runs;
  if (work > MAX_CHECK_WORK) {
    throw new InputError(
      "--runs",
      "",
      undefined,
      undefined,
      `at most ${MAX_CHECK_WORK.toExponential(0)} items × agents × runs`,
      `${items} × ${n} × ${options.runs} = ${work.toExponential(2)}`,
    );
  }
  options.guard?.(estimateRuns(scenario, { replicates: 1 + options.runs + options.shrinkRuns }));
  // The time scale: when a fault-free run of the same seed has finished.
  const base = runReplicate({ ...scenario, faults: [] }, profiles, 0, { noBaseline: true });
  const timeScale = Math.max(1, base.result.makespan_s);
  const meanCall = base.result.call_latency_s > 0 ? base.result.call_latency_s : 60;
  const team = scenario.team as never;
  const bound = (k: number) => module.byzantineBound?.(team, k) ?? 0;
  const result: CheckResult = {
    scenario: scenario.name,
    protocol: scenario.team.protocol,
    agents: n,
    seed: options.seed,
    runs: options.runs,
    plans: 0,
    kinds: {},
    time_scale_s: Math.round(timeScale * 10) / 10,
    violation: null,
  };

  // The runnable scenario document of a case: the input with its team size,
  // seed, faults and a horizon long enough for the liveness bound to run out.
  const documentOf = (c: PlanCase): { doc: Record<string, unknown>; faults: FaultInput[] } => {
    const faults = toFaults(c, module.extraNodes ?? [], bound(c.agents));
    const doc = structuredClone(loaded.input ?? {}) as Record<string, unknown>;
    delete doc.sweep;
    const agents = firstMembers(doc.agents, c.agents);
    const heal = healTime(faults) ?? 0;
    const stabilize = module.liveness?.stabilizeS(team, c.agents) ?? 0;
    const horizon = Math.ceil(heal + stabilize + items * 10 * meanCall + 2 * timeScale);
    Object.assign(doc, {
      seed: c.seed,
      replicates: 1,
      horizon_s: Math.max(scenario.horizon_s, horizon),
      agents,
      faults,
    });
    return { doc, faults };
  };
  const scenarioOf = (doc: Record<string, unknown>): Scenario =>
    validateDocument(parseSourceText(loaded.file, stringify(doc)), scenarioSchema(profiles));
  const failureOf = (c: PlanCase): Verdict | null => {
    const s = scenarioOf(documentOf(c).doc);
    const { verdicts } = runReplicate(s, profiles, 0, { noBaseline: true });
    return verdicts.find((v) => !v.ok) ?? null;
  };

  let found = 0;
  let originalFaults = 0;
  let shrinkRuns = 0;
  const property = fc.property(
    faultPlanArbitrary({
      maxAgents: n,
      timeScale,
      byzantine: bound(n) > 0,
      maxFaults: options.maxFaults,
    }),
    (c) => {
      if (found === 0) {
        result.plans++;
        for (const f of c.faults) tally(result.kinds, f);
      } else if (++shrinkRuns > options.shrinkRuns) {
        return true; // out of budget: keep the smallest failing plan found so far
      }
      const failed = failureOf(c) !== null;
      if (found === 0) {
        options.onPlan?.(result.plans, options.runs);
        if (failed) {
          found = result.plans;
          originalFaults = documentOf(c).faults.length;
          options.onFound?.(found);
        }
      }
      return !failed;
    },
  );
  const details = fc.check(property, { seed: options.seed, numRuns: options.runs });
  if (!details.failed || details.counterexample === null) return result;
  let smallest = details.counterexample[0];
  // Fewer agents where the plan still fails (a smaller team may be invalid: skipped).
  for (let k = 1; k < smallest.agents; k++) {
    const candidate = { ...smallest, agents: k };
    try {
      if (failureOf(candidate) !== null) {
        smallest = candidate;
        break;
      }
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
    }
  }
  const verdict = failureOf(smallest) as Verdict;
  const { doc, faults } = documentOf(smallest);
  result.violation = {
    check: verdict.check,
    detail: verdict.detail ?? "",
    found_at_plan: found,
    original_faults: originalFaults,
    shrink_runs: Math.min(shrinkRuns, options.shrinkRuns),
    agents: smallest.agents,
    seed: smallest.seed,
    faults,
    scenario: doc,
  };
  return result;
}

function tally(kinds: Record<string, number>, f: GenFault): void {
  const k = kindOf(f);
  kinds[k] = (kinds[k] ?? 0) + 1;
}
