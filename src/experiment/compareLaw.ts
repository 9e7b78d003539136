import { isDeepStrictEqual } from "node:util";
import type { ModelProfile } from "../agents/ModelProfile.js";
import type { Law } from "../analytic/Law.js";
import { findLaw, LAWS } from "../analytic/laws.js";
import { InputError } from "../core/InputError.js";
import type { MetricName } from "../metrics/RunResult.js";
import { profilesOf } from "../runtime/World.js";
import { firstMembers } from "../scenario/firstMembers.js";
import type { LoadedScenario } from "../scenario/loadScenario.js";
import { MAX_AGENTS } from "../scenario/ScenarioSchema.js";
import { withOverrides } from "../scenario/withOverrides.js";
import { estimateRuns, sumEstimates, type WorkEstimate } from "./estimateWork.js";
import { lawFromScenario, theoryAt } from "./lawFromScenario.js";
import { simulatePoint } from "./simulatePoint.js";

/** One team size: the simulated mean with its 95% CI, and the law's value. */
export interface ComparePoint {
  n: number;
  simulated: number;
  ci95: [number, number];
  theory: number;
  within_ci: boolean;
}

/** The output of `teamsim compare --json`. */
export interface CompareReport {
  scenario: string;
  law: string;
  /** The law's parameters, as taken from the scenario. */
  params: Record<string, unknown>;
  /** The simulated metric the law predicts (a RunResult field, mean over replicates). */
  metric: MetricName;
  replicates: number;
  points: ComparePoint[];
  /** Every point's theory lies inside its simulated 95% CI. */
  agree: boolean;
  /** For an upper-bound law: no point's CI lies wholly above the bound. */
  bound_holds?: boolean;
  /** What the comparison assumes (how the scenario maps onto the law). */
  notes: string[];
}

/** Options of compareLaw. */
export interface CompareOptions {
  /** Team sizes 1..maxN when the scenario's sweep block has no `agents.count` (default 9). */
  maxN?: number;
  /** Called before each team size is simulated (for progress lines). */
  onPoint?: (index: number, total: number, n: number) => void;
  /**
   * Called with the estimated work of every team size's replicates once the
   * sizes are known, before any simulation (throw to refuse: guardWork).
   */
  guard?: (work: WorkEstimate) => void;
}

/** Default largest team of compare and recommend. */
export const DEFAULT_MAX_N = 9;

/**
 * `--max-n` of compare and recommend: a positive integer no larger than
 * MAX_AGENTS, the largest team a scenario may have (1..1e6 would plan a
 * million teams that cannot run).
 */
export function checkMaxN(maxN: number, flag = "--max-n"): number {
  if (!Number.isInteger(maxN) || maxN < 1 || maxN > MAX_AGENTS) {
    throw new InputError(
      flag,
      "",
      undefined,
      undefined,
      `an integer from 1 to ${MAX_AGENTS} (the largest team a scenario may have)`,
      String(maxN),
    );
  }
  return maxN;
}

/** The law called `name`, or an InputError listing the known ones. */
export function lawNamed(name: string): Law {
  const law = findLaw(name);
  if (law === undefined) {
    throw new InputError(
      "--law",
      "",
      undefined,
      undefined,
      `one of ${LAWS.map((l) => l.name).join(", ")}`,
      JSON.stringify(name),
    );
  }
  return law;
}

/**
 * The team sizes to compare at: the scenario's `sweep: { agents.count: [...] }`
 * if it has one, else 1..maxN (every size: even majorities are part of the law).
 */
export function teamSizes(loaded: LoadedScenario, maxN = DEFAULT_MAX_N): number[] {
  checkMaxN(maxN);
  const listed = loaded.scenario.sweep?.["agents.count"];
  // A team of several groups is compared on its first 1..n members.
  const max = Array.isArray(loaded.input && (loaded.input as { agents?: unknown }).agents)
    ? Math.min(maxN, loaded.scenario.agents.count)
    : maxN;
  if (listed === undefined) return Array.from({ length: max }, (_, i) => i + 1);
  listed.forEach((v, i) => {
    if (!Number.isInteger(v) || (v as number) < 1) {
      throw new InputError(
        loaded.file,
        `sweep.agents.count.${i}`,
        undefined,
        undefined,
        "a team size (an integer >= 1)",
        JSON.stringify(v),
      );
    }
  });
  return listed as number[];
}

/**
 * Theory against simulation: runs the scenario at every team size, takes the
 * mean and 95% CI of the metric the law predicts, and evaluates the law with
 * parameters taken from the scenario itself (lawFromScenario).
 */
export function compareLaw(
  loaded: LoadedScenario,
  lawName: string,
  options: CompareOptions = {},
): CompareReport {
  const law = lawNamed(lawName);
  const { scenario, profiles } = loaded;
  if (scenario.replicates < 2) {
    throw new InputError(
      loaded.file,
      "replicates",
      undefined,
      undefined,
      "at least 2 replicates (a confidence interval needs them)",
      String(scenario.replicates),
    );
  }
  // agent-0's profile, as the simulation runs it (with its group's overrides):
  // a one-model team's (laws of several models read every group).
  const profile = profilesOf(scenario.agents, profiles)[0];
  const mapping = lawFromScenario(law, { ...loaded, profiles: groupProfiles(loaded) }, profile);
  // Parse once up front: parameters the law rejects are an error before any simulation.
  law.params.parse(mapping.params);
  const notes = [...mapping.notes];
  const other = Object.keys(scenario.sweep ?? {}).filter((k) => k !== "agents.count");
  if (other.length > 0)
    notes.push(`sweep over ${other.join(", ")} ignored: compare varies agents.count only`);
  const sizes = teamSizes(loaded, options.maxN);
  const speedup = mapping.metric === "speedup";
  options.guard?.(
    sumEstimates(sizes.map((n) => estimateRuns(scenario, { agents: n, baseline: speedup }))),
  );
  const points: ComparePoint[] = [];
  sizes.forEach((n, i) => {
    options.onPoint?.(i, sizes.length, n);
    const summary = simulatePoint(resized(loaded, n), { speedup });
    const s = summary[mapping.metric];
    const ci95 = s.ci95 ?? [s.mean, s.mean];
    const theory = theoryAt(law, mapping, n);
    points.push({ n, simulated: s.mean, ci95, theory, within_ci: within(theory, ci95) });
  });
  return {
    scenario: scenario.name,
    law: law.name,
    params: mapping.params,
    metric: mapping.metric,
    replicates: scenario.replicates,
    points,
    agree: points.every((p) => p.within_ci),
    ...(mapping.bound === "upper"
      ? { bound_holds: points.every((p) => p.ci95[0] <= p.theory + 1e-9 * Math.max(1, p.theory)) }
      : {}),
    notes,
  };
}

// Each model's profile as the team's groups override it, for laws that read
// members by model name (cascade). A model whose groups override it differently
// has no one profile: an error if a law asks for it, not a silent plain profile.
function groupProfiles(loaded: LoadedScenario): Map<string, ModelProfile> {
  const { scenario, profiles, file } = loaded;
  const byModel = new Map(profiles);
  const first = new Map<string, ModelProfile>();
  const clash = new Map<string, number>();
  scenario.agents.groups.forEach((g, i) => {
    const p = profilesOf({ count: g.count, groups: [g] }, profiles)[0];
    const seen = first.get(g.model);
    if (seen === undefined) {
      first.set(g.model, p);
      byModel.set(g.model, p);
    } else if (!clash.has(g.model) && !isDeepStrictEqual(seen, p)) {
      clash.set(g.model, i);
    }
  });
  if (clash.size === 0) return byModel;
  return new (class extends Map<string, ModelProfile> {
    override get(model: string): ModelProfile | undefined {
      const i = clash.get(model);
      if (i === undefined) return super.get(model);
      throw new InputError(
        file,
        `agents.${i}.overrides`,
        undefined,
        undefined,
        `the same overrides in every group of ${model} (the law takes one profile per model)`,
        "groups of one model with different overrides",
      );
    }
  })(byModel);
}

// A metric with no spread (a message count fixed by the protocol) has a CI of
// one point: allow for rounding in the law's arithmetic.
function within(x: number, [lo, hi]: [number, number]): boolean {
  const eps = 1e-9 * Math.max(1, Math.abs(x));
  return x >= lo - eps && x <= hi + eps;
}

// The scenario with a team of n: agents.count=n, or the first n members of a team of groups.
function resized(loaded: LoadedScenario, n: number): LoadedScenario {
  const agents = (loaded.input as { agents?: unknown } | null)?.agents;
  if (!Array.isArray(agents)) return withOverrides(loaded, [`agents.count=${n}`]);
  return withOverrides(loaded, [`agents=${JSON.stringify(firstMembers(agents, n))}`]);
}
