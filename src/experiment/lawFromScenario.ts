import { correctProbability } from "../agents/correctProbability.js";
import type { ModelProfile } from "../agents/ModelProfile.js";
import type { Law } from "../analytic/Law.js";
import type { TeamFit } from "../analytic/LawFit.js";
import { distMean } from "../core/Distribution.js";
import { InputError } from "../core/InputError.js";
import { Rng } from "../core/Rng.js";
import type { MetricName } from "../metrics/RunResult.js";
import { getProtocol, PROTOCOLS } from "../protocols/registry.js";
import { CONFIDENCE_CONCENTRATION, confidenceMean } from "../runtime/reportedConfidence.js";
import { profilesOf } from "../runtime/World.js";
import type { LoadedScenario } from "../scenario/loadScenario.js";
import type { Scenario } from "../scenario/ScenarioSchema.js";
import { WorkGraph } from "../tasks/WorkGraph.js";
import { replicateSeed } from "./runReplicate.js";

/** How a scenario maps onto a law: its parameters, the metric it predicts, its team size. */
export interface LawMapping {
  /** The law's parameters, taken from the scenario (before the law's own defaults). */
  params: Record<string, unknown>;
  /** The simulated metric the law predicts (mean over replicates). */
  metric: MetricName;
  /** The law's n for a team of n agents (e.g. n − 1 workers under a leader; 1 for `single`). */
  lawN: (n: number) => number;
  /** The law's value is multiplied by this (e.g. items, for a per-item law against a per-run metric; default 1). */
  scale?: number;
  /** Added to the scaled value: a part of the metric the law does not count, stated in the notes. */
  extra?: (n: number) => number;
  /** Set when the law is an upper bound on the metric rather than a prediction of it. */
  bound?: "upper";
  /** What the mapping assumes, in words. */
  notes: string[];
}

/** The theory for a team of n agents: scale · law(lawN(n)) + extra(n), with params parsed by the law. */
export function theoryAt(law: Law, mapping: LawMapping, n: number): number {
  const params = law.params.parse(mapping.params);
  return (mapping.scale ?? 1) * law.value(mapping.lawN(n), params) + (mapping.extra?.(n) ?? 0);
}

// The scenario facts a mapper needs, and a way to say why the law does not apply.
interface MapContext {
  law: Law;
  scenario: Scenario;
  profile: ModelProfile;
  /** Every profile by model name (for teams of several models). */
  profiles: ReadonlyMap<string, ModelProfile>;
  /** The document path of a field of group g: `agents.<g>.<field>` for a list of groups, else `agents.<field>`. */
  groupPath(g: number, field: string): string;
  /** Throws the InputError for "this law does not describe this scenario". */
  fail(path: string, expected: string, found: string): never;
}

type Mapper = (ctx: MapContext) => LawMapping;

/**
 * The law's parameters and compared metric for this scenario, taken from the
 * scenario itself (its task, protocol and model). A scenario the law does not
 * describe (another protocol, aggregation or difficulty, a fault plan, a model
 * whose skill has no closed form) is an InputError saying what would fit.
 */
export function lawFromScenario(
  law: Law,
  loaded: LoadedScenario,
  profile: ModelProfile,
): LawMapping {
  const fail = (path: string, expected: string, found: string): never => {
    throw new InputError(loaded.file, path, undefined, undefined, expected, found);
  };
  const mapper = MAPPERS[law.name];
  if (mapper === undefined) {
    const known = Object.keys(MAPPERS).join(", ");
    return fail(
      "",
      `a law whose parameters compare can take from a scenario (${known})`,
      `${law.name}, which has none: ${NO_MAPPING[law.name] ?? "no mapping from a scenario to its parameters"}`,
    );
  }
  const listed = Array.isArray((loaded.input as { agents?: unknown } | null)?.agents);
  const groupPath = (g: number, field: string) =>
    listed ? `agents.${g}.${field}` : `agents.${field}`;
  return mapper({
    law,
    scenario: loaded.scenario,
    profile,
    profiles: loaded.profiles,
    groupPath,
    fail,
  });
}

/** The voting law for a scenario's difficulty kind (for closed-form accuracies), if any. */
export function accuracyLawName(scenario: Scenario): string | undefined {
  if (scenario.task.kind !== "questions") return undefined;
  switch (scenario.task.difficulty.kind) {
    case "fixed":
      return "vote";
    case "beta":
      return "vote-beta";
    case "mixture":
      return "vote-mixture";
  }
}

/** The cost law for a scenario (for closed-form costs), if any: it maps onto independent and single. */
export function costLawName(scenario: Scenario): string | undefined {
  return scenario.task.kind === "questions" ? "independent-cost" : undefined;
}

// Why the laws without a mapping have none (printed with the error).
const NO_MAPPING: Record<string, string> = {
  "straggler-max":
    "it needs one distribution of a call's latency, and a model's latency is a sum (time to first token + tokens / decode speed, times a straggler factor, plus retries), not one of the law's distributions",
  quorum:
    "no protocol's measured metric is the probability that a quorum of n agents is up: crashes are timed events, and the protocols decide with whoever is left",
  "quorum-wait":
    "it needs one distribution of a call's latency, and a model's latency is a sum, not one of the law's distributions",
  hedge:
    "it needs one distribution of a call's latency, and a model's latency is a sum, not one of the law's distributions",
  gustafson:
    "the simulated task does not grow with the team (Gustafson's scaled speedup assumes it does)",
  usl: "its contention and coherency coefficients are fitted to measurements (`teamsim fit`), not read from a scenario",
  raft: "it counts the crash faults a team tolerates, which no run measures as a mean",
  bft: "it counts the Byzantine faults a team tolerates, which no run measures as a mean",
};

// How the scenario's team maps onto the law: its protocol's fit (see
// LawFits), or an error naming the protocols the law describes.
function teamFit(ctx: MapContext): Required<TeamFit> {
  const { scenario, law, fail } = ctx;
  const name = scenario.team.protocol;
  const fit = getProtocol(name).law.fits?.[law.name];
  if (typeof fit !== "function") {
    const names = PROTOCOLS.filter((p) => typeof p.law.fits?.[law.name] === "function").map(
      (p) => p.name,
    );
    const list =
      names.length > 1 ? `${names.slice(0, -1).join(", ")} or ${names.at(-1)}` : names[0];
    return fail(
      "team.protocol",
      `${list ?? "a protocol it describes"} for law ${law.name}`,
      fit === undefined ? name : `${name} (${fit})`,
    );
  }
  const unfit = (path: string, expected: string, found: string): never =>
    fail(path === "" ? "team" : `team.${path}`, expected, found);
  const t = fit(scenario.team, { law: law.name, unfit });
  return {
    lawN: t.lawN ?? ((n) => n),
    params: t.params ?? {},
    extraPerItem: t.extraPerItem ?? (() => 0),
    notes: t.notes ?? [],
  };
}

// A model the voters run, and where the scenario names it.
interface VoterModel {
  profile: ModelProfile;
  path: string;
}

// Voting laws describe a vote of independent agents (ties lose) with every
// vote cast (the protocol says which of its teams vote so), and no faults.
// `models` are the voters' models (one model's laws: the first group's).
function votingTeam(
  ctx: MapContext,
  models: readonly VoterModel[] = [{ profile: ctx.profile, path: "agents.model" }],
): Required<TeamFit> {
  const { scenario, fail, law } = ctx;
  if (scenario.task.kind !== "questions") {
    return fail("task.kind", `questions for law ${law.name}`, scenario.task.kind);
  }
  const team = teamFit(ctx);
  if (scenario.faults.length > 0) {
    return fail(
      "faults",
      `no fault plan for law ${law.name} (it assumes all n votes are cast)`,
      `${scenario.faults.length} faults`,
    );
  }
  for (const { profile, path } of models) {
    if (profile.failures.crash_rate_per_hour > 0) {
      return fail(
        path,
        `a model that does not crash for law ${law.name}`,
        `${profile.name} (crash_rate_per_hour ${profile.failures.crash_rate_per_hour})`,
      );
    }
  }
  // One note per retry policy: one model's keeps its old words, several say whose votes.
  const lossy = new Map<string, string[]>();
  for (const { profile } of models) {
    const attempts = profile.failures.retry.max_attempts;
    const lost = profile.failures.transient_error_rate ** attempts;
    if (lost === 0) continue;
    const key = `${attempts} attempts fail (probability ${lost.toPrecision(2)})`;
    const names = lossy.get(key) ?? [];
    if (!names.includes(profile.name)) names.push(profile.name);
    lossy.set(key, names);
  }
  for (const [key, names] of lossy) {
    const whose = models.length > 1 ? ` of ${names.join(" or ")}` : "";
    team.notes.push(`a vote${whose} is lost only when all ${key}, ignored by the law`);
  }
  return team;
}

function skillNote(profile: ModelProfile): string {
  return `probabilities shifted by ${profile.name}'s skill ${profile.skill.value} in logit space`;
}

// Work-graph speedup laws count the agents that do subtasks (the protocol
// says how many of its n do), without faults.
function speedupTeam(ctx: MapContext): Required<TeamFit> {
  const { scenario, fail, law } = ctx;
  if (scenario.task.kind === "questions") {
    return fail("task.kind", `a work graph for law ${law.name}`, "questions");
  }
  if (scenario.faults.length > 0) {
    return fail("faults", `no fault plan for law ${law.name}`, `${scenario.faults.length} faults`);
  }
  return teamFit(ctx);
}

// Counting laws (messages, tokens) need every message delivered and every call
// made: no faults, no loss, no duplication.
function countingTeam(ctx: MapContext): void {
  const { scenario, fail, law } = ctx;
  if (scenario.task.kind !== "questions") {
    fail("task.kind", `questions for law ${law.name}`, scenario.task.kind);
  }
  if (scenario.faults.length > 0) {
    fail("faults", `no fault plan for law ${law.name}`, `${scenario.faults.length} faults`);
  }
  const net = scenario.network;
  if (
    net.loss > 0 ||
    net.duplicate > 0 ||
    net.links.some((l) => (l.loss ?? 0) > 0 || (l.duplicate ?? 0) > 0)
  ) {
    fail("network", `no message loss or duplication for law ${law.name}`, "loss or duplication");
  }
}

const MAPPERS: Record<string, Mapper> = {
  // A cascade's stages are its members in order: each stage's accuracy from its
  // model's skill at the fixed p, its escalation from the team's confidence
  // model (Beta, concentration CONFIDENCE_CONCENTRATION) and threshold.
  cascade: (ctx) => {
    const { scenario, profiles, fail } = ctx;
    if (scenario.team.protocol !== "cascade")
      return fail("team.protocol", "cascade for law cascade", scenario.team.protocol);
    if (scenario.task.kind !== "questions")
      return fail("task.kind", "questions for law cascade", scenario.task.kind);
    const d = scenario.task.difficulty;
    if (d.kind !== "fixed")
      return fail("task.difficulty.kind", "fixed for law cascade (one p for every item)", d.kind);
    if (scenario.faults.length > 0)
      return fail("faults", "no fault plan for law cascade", `${scenario.faults.length} faults`);
    const team = scenario.team;
    const members = scenario.agents.groups.flatMap((g) =>
      Array.from({ length: g.count }, () => profiles.get(g.model) as ModelProfile),
    );
    const belief = (correct: boolean) => ({
      mean: confidenceMean(team.confidence, correct),
      concentration: CONFIDENCE_CONCENTRATION,
    });
    const stages = members.map((m, i) => {
      const threshold = Array.isArray(team.threshold)
        ? team.threshold[Math.min(i, team.threshold.length - 1)]
        : team.threshold;
      return {
        accuracy: correctProbability(d.p, m.skill.value),
        threshold,
        confidence_right: belief(true),
        confidence_wrong: belief(false),
        verifier_catch: team.verifier?.catch_probability ?? 0,
        verifier_false_reject: team.verifier?.false_rejection ?? 0,
      };
    });
    return {
      params: { stages, metric: "accuracy" },
      metric: "accuracy",
      lawN: (n) => n,
      notes: [
        "stage i is agent-i (the first n members for a team of n); accuracy sigmoid(logit p + skill) per stage",
        "a call that fails after its retries escalates in the simulation; the law assumes every call answers",
        "stages are independent given the item: exact for a fixed p without model-level noise (task.errors)",
      ],
    };
  },
  vote: (ctx) => {
    const { scenario, profile, fail } = ctx;
    const team = votingTeam(ctx);
    const d = scenario.task.difficulty;
    if (d.kind !== "fixed") {
      return fail(
        "task.difficulty.kind",
        "fixed for law vote (one p for every item)",
        `${d.kind} (use --law vote-${d.kind})`,
      );
    }
    const p = correctProbability(d.p, profile.skill.value);
    return {
      params: { p },
      metric: "accuracy",
      lawN: team.lawN,
      notes: [...team.notes, ...(profile.skill.value !== 0 ? [skillNote(profile)] : [])],
    };
  },
  "vote-beta": (ctx) => {
    const { scenario, profile, fail } = ctx;
    const team = votingTeam(ctx);
    const d = scenario.task.difficulty;
    if (d.kind !== "beta") {
      return fail(
        "task.difficulty.kind",
        "beta for law vote-beta (p ~ Beta(a, b) per item)",
        `${d.kind} (use --law ${d.kind === "fixed" ? "vote" : "vote-mixture"})`,
      );
    }
    if (profile.skill.value !== 0) {
      return fail(
        "agents.model",
        "a model of skill 0 for law vote-beta (no closed form with skill ≠ 0: a logit shift of a beta is not a beta)",
        `${profile.name} (skill ${profile.skill.value})`,
      );
    }
    return { params: { a: d.a, b: d.b }, metric: "accuracy", lawN: team.lawN, notes: team.notes };
  },
  "vote-mixture": (ctx) => {
    const { scenario, profile, fail } = ctx;
    const team = votingTeam(ctx);
    const d = scenario.task.difficulty;
    if (d.kind === "beta") {
      return fail(
        "task.difficulty.kind",
        "mixture (or fixed) for law vote-mixture",
        "beta (use --law vote-beta)",
      );
    }
    const skill = profile.skill.value;
    // A fixed p is the mixture with every item easy.
    const [f, pe, ph] =
      d.kind === "mixture" ? [d.easy_fraction, d.p_easy, d.p_hard] : [1, d.p, d.p];
    const notes = [...team.notes];
    if (d.kind === "fixed") notes.push("a fixed p is the mixture with easy_fraction 1");
    if (skill !== 0) notes.push(skillNote(profile));
    return {
      params: {
        easy_fraction: f,
        p_easy: correctProbability(pe, skill),
        p_hard: correctProbability(ph, skill),
      },
      metric: "accuracy",
      lawN: team.lawN,
      notes,
    };
  },
  // A panel of different models: the law's member j is entry j mod K of its
  // skills, each entry its own model (its own noise). With one entry per member
  // (agent-i is entry i) a team of n is the first n members, as compare sizes a
  // team of groups; copies of one model are one entry at any n. Refused: a
  // model with several members in a mixed panel while the noise is partly
  // shared (the simulation gives its copies one noise, the law one each), and
  // a mixed panel grown past its list (compare grows the last group, the law
  // would cycle back to agent-0's model).
  "vote-mixed": (ctx) => {
    const { scenario, profiles, fail, groupPath, law } = ctx;
    const members = profilesOf(scenario.agents, profiles);
    const groupOf = scenario.agents.groups.flatMap((g, i) =>
      Array.from({ length: g.count }, () => i),
    );
    const models: VoterModel[] = [];
    members.forEach((m, j) => {
      if (!models.some((v) => v.profile === m))
        models.push({ profile: m, path: groupPath(groupOf[j], "model") });
    });
    const team = votingTeam(ctx, models);
    const task = scenario.task;
    if (task.kind !== "questions")
      return fail("task.kind", `questions for law ${law.name}`, task.kind);
    const d = task.difficulty;
    if (d.kind !== "fixed") {
      return fail(
        "task.difficulty.kind",
        `fixed for law ${law.name} (one p for every item)`,
        d.kind,
      );
    }
    const {
      model_noise: sigma,
      rho,
      distractor_concentration: concentration,
      source,
    } = task.errors;
    const first = members[0];
    // The noise is the model's (by name, as tasks/modelErrors draws it), the accuracy its skill's.
    const oneModel = members.every(
      (m) => m.name === first.name && m.skill.value === first.skill.value,
    );
    if (!oneModel) {
      // Whether copies share a noise or each has its own matters only when it is partly shared.
      if (sigma > 0 && rho < 1) {
        const seen = new Map<string, number>();
        members.forEach((m, j) => {
          const earlier = seen.get(m.name);
          if (earlier !== undefined) {
            const g = groupOf[j];
            const same = groupOf[earlier] === g;
            fail(
              groupPath(g, same ? "count" : "model"),
              `one member per model in a panel of several models for law ${law.name} with model_noise > 0 and rho < 1 (the law gives each member its own model noise, the simulation gives a model's copies one), or task.errors with model_noise 0 or rho 1`,
              same
                ? `count ${scenario.agents.groups[g].count} of ${m.name}`
                : `${m.name} again (agent-${earlier} runs it too)`,
            );
          }
          seen.set(m.name, j);
        });
      }
      (scenario.sweep?.["agents.count"] ?? []).forEach((n, i) => {
        if (typeof n === "number" && n > members.length) {
          fail(
            `sweep.agents.count.${i}`,
            `at most ${members.length} members for law ${law.name} (a panel of several models is compared on its first members; past them compare grows the last group, while the law cycles back to agent-0's model)`,
            String(n),
          );
        }
      });
    }
    const skills = oneModel ? [first.skill.value] : members.map((m) => m.skill.value);
    const rule = (team.params.rule as string | undefined) ?? "majority";
    const notes = [...team.notes];
    notes.push(
      oneModel
        ? `every member is a copy of ${first.name} (skill ${first.skill.value})`
        : `skills in member order, agent-0 first (${scenario.agents.groups
            .map((g, i) => {
              const m = members[groupOf.indexOf(i)];
              return `${g.count}×${m.name} ${m.skill.value}`;
            })
            .join(", ")}): a team of n is the first n members`,
    );
    if (sigma === 0) {
      notes.push(
        "model_noise 0: given the item, members answer independently (a Poisson-binomial vote)",
      );
    } else {
      notes.push(
        `model_noise ${sigma} and rho ${rho} from task.errors${source === undefined ? "" : ` (source: ${source})`}${oneModel ? "; one model's copies share all of its noise, so rho does not enter" : ""}`,
      );
    }
    if (rule === "plurality") {
      const k = task.choices;
      notes.push(
        concentration === 0
          ? `plurality, ties broken at random; wrong answers uniform over the ${k - 1} wrong choices`
          : `plurality, ties broken at random; a wrong answer is the item's distractor with probability ${concentration} + (1 − ${concentration})/${k - 1} = ${(concentration + (1 - concentration) / (k - 1)).toPrecision(3)}`,
      );
    }
    return {
      params: { skills, p: d.p, sigma, rho, rule, choices: task.choices, concentration },
      metric: "accuracy",
      lawN: team.lawN,
      notes,
    };
  },
  amdahl: (ctx) => {
    const { scenario, fail } = ctx;
    const team = speedupTeam(ctx);
    const task = scenario.task;
    if (task.kind !== "workgraph" || task.graph !== undefined) {
      return fail(
        "task",
        "a `workgraph` task given by parallel_fraction for law amdahl (its p)",
        task.kind === "workgraph"
          ? "an explicit graph (use --law work-span)"
          : `kind ${task.kind} (use --law work-span)`,
      );
    }
    return {
      params: { p: task.parallel_fraction },
      metric: "speedup",
      lawN: team.lawN,
      notes: [
        ...team.notes,
        "Amdahl's serial part runs alone, but the graph's chain can run beside its independent subtasks: the simulated speedup may beat the law",
      ],
    };
  },
  "work-span": (ctx) => {
    const { scenario } = ctx;
    const team = speedupTeam(ctx);
    const { work, span } = meanWorkAndSpan(scenario);
    return {
      params: { work, span, bound: "upper" },
      metric: "speedup",
      lawN: team.lawN,
      bound: "upper",
      notes: [
        ...team.notes,
        `work and span: means over the ${scenario.replicates} replicates' graphs, in output tokens (the simulated time also has per-call latency)`,
        "an upper bound, not a prediction: a simulated speedup below it (within_ci false) does not contradict it; bound_holds says whether any CI lies wholly above it",
      ],
    };
  },
  "leader-worker-speedup": (ctx) => {
    const { scenario, fail } = ctx;
    const task = scenario.task;
    const team = teamFit(ctx);
    if (scenario.faults.length > 0) {
      return fail(
        "faults",
        "no fault plan for law leader-worker-speedup",
        `${scenario.faults.length} faults`,
      );
    }
    if (task.kind !== "workgraph" || task.graph !== undefined || task.integration) {
      return fail(
        "task",
        "a `workgraph` task given by subtasks and parallel_fraction, without integration, for law leader-worker-speedup",
        task.kind !== "workgraph"
          ? `kind ${task.kind}`
          : task.integration
            ? "integration: true"
            : "an explicit graph",
      );
    }
    return {
      params: { subtasks: task.subtasks, parallel_fraction: task.parallel_fraction },
      metric: "speedup",
      lawN: team.lawN,
      notes: [
        "the law takes every subtask as one unit of work done in lockstep: with random work and call times the simulated mean is lower",
        ...team.notes,
      ],
    };
  },
  "independent-cost": (ctx) => {
    const { scenario, profile, fail } = ctx;
    countingTeam(ctx);
    if (scenario.task.kind !== "questions")
      return fail("task.kind", "questions", scenario.task.kind);
    const team = teamFit(ctx);
    const output = distMean(profile.tokens.output);
    return {
      params: {
        items: scenario.task.items,
        prompt_tokens: distMean(scenario.task.prompt_tokens),
        output_tokens: output,
        price_in: profile.price.input_per_mtok,
        price_out: profile.price.output_per_mtok,
      },
      metric: "cost_usd",
      lawN: team.lawN,
      notes: [
        ...team.notes,
        `prompt_tokens and output_tokens are means (output: ${profile.name}'s, ${output.toPrecision(4)}); prices are ${profile.name}'s; failed attempts cost nothing and are ignored`,
      ],
    };
  },
  messages: (ctx) => {
    const { scenario, fail } = ctx;
    countingTeam(ctx);
    if (scenario.task.kind !== "questions")
      return fail("task.kind", "questions", scenario.task.kind);
    const team = teamFit(ctx);
    const items = scenario.task.items;
    return {
      params: team.params,
      metric: "messages",
      lawN: team.lawN,
      scale: items,
      extra: (n) => items * team.extraPerItem(n),
      notes: [`theory = ${items} items × the law's messages per item`, ...team.notes],
    };
  },
  tokens: (ctx) => {
    const { scenario, profile, fail } = ctx;
    countingTeam(ctx);
    if (scenario.task.kind !== "questions")
      return fail("task.kind", "questions", scenario.task.kind);
    const team = teamFit(ctx);
    const items = scenario.task.items;
    const prompt = distMean(scenario.task.prompt_tokens);
    const answer = distMean(profile.tokens.output);
    return {
      // One call per agent and item (a star without rounds) unless the team says otherwise.
      params: { topology: "star", prompt, answer, rounds: 0, ...team.params },
      metric: "tokens",
      lawN: team.lawN,
      scale: items,
      notes: [
        `theory = ${items} items × the law's tokens per item; prompt = mean prompt tokens, answer = mean output tokens of ${profile.name} (${answer.toPrecision(4)})`,
        ...team.notes,
      ],
    };
  },
};

/** Mean total work and critical path (tokens) of the scenario's graphs, one per replicate. */
export function meanWorkAndSpan(scenario: Scenario): { work: number; span: number } {
  if (scenario.task.kind === "questions") throw new Error("not a work graph");
  let work = 0;
  let span = 0;
  for (let r = 0; r < scenario.replicates; r++) {
    // The same streams runReplicate builds the task from: the same graphs.
    const g = new WorkGraph(scenario.task, new Rng(replicateSeed(scenario.seed, r)));
    work += g.totalWork;
    span += g.criticalPathWork;
  }
  return { work: work / scenario.replicates, span: span / scenario.replicates };
}
