import { z } from "zod";
import type { ModelProfile } from "../agents/ModelProfile.js";
import { type ProfileOverrides, profileOverrideIssues } from "../agents/profileWithOverrides.js";
import { distributionSchema } from "../core/distributionSchema.js";
import { FaultSchema, faultAgents } from "../faults/FaultSchema.js";
import { getProtocol, TeamSchema } from "../protocols/registry.js";
import { DifficultySchema } from "../tasks/difficultySchema.js";
import { ModelErrorsSchema } from "../tasks/modelErrors.js";
import {
  ChainTaskSchema,
  ForkJoinTaskSchema,
  LayeredTaskSchema,
  PaperSuiteTaskSchema,
  WorkgraphTaskSchema,
} from "../tasks/workGraphSchema.js";
import { expandPaperSuite } from "./expandPaperSuite.js";

const prob = z.number().min(0).max(1);

const QuestionsTaskSchema = z.strictObject({
  kind: z.literal("questions"),
  items: z
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .default(100)
    .meta({ description: "questions in one replicate" }),
  choices: z.number().int().min(2).default(4).meta({
    description: "answer options per question (one right; wrong votes split over the rest)",
  }),
  difficulty: DifficultySchema.default({ kind: "fixed", p: 0.7 }),
  prompt_tokens: distributionSchema("")
    .prefault({ dist: "fixed", value: 400 })
    .meta({ description: "input tokens of one question's prompt" }),
  errors: ModelErrorsSchema.meta({
    description:
      "how different models' errors on one item correlate (model_noise, rho) and whether wrong answers collide (distractor_concentration)",
  }),
});

const NetworkSchema = z.strictObject({
  latency: distributionSchema("_s")
    .prefault({ dist: "lognormal", median_s: 0.05, sigma: 0.5 })
    .meta({ description: "one-way message delay" }),
  loss: prob.default(0),
  duplicate: prob.default(0),
  fifo: z.boolean().default(false),
  partition_mode: z.enum(["drop", "hold"]).default("drop").meta({
    description:
      "what a partition does to messages that cannot cross it: drop, or hold until it heals",
  }),
  links: z
    .array(
      z.strictObject({
        between: z.tuple([z.string().min(1), z.string().min(1)]),
        latency: distributionSchema("_s").optional(),
        loss: prob.optional(),
        duplicate: prob.optional(),
      }),
    )
    .default([])
    .meta({
      description: "exceptions for the link between two nodes (both ways); later entries win",
    }),
});

/** Most agents in one team (all groups together). */
export const MAX_AGENTS = 100_000;

/**
 * One group of a team: `count` copies of `model`, in an optional structural
 * `role`, with optional what-if `overrides` of the profile's numbers.
 */
export interface AgentGroup {
  model: string;
  count: number;
  role?: string;
  overrides?: ProfileOverrides;
}

// A group that changes its profile is not the plain model: its label says so,
// so reports (and closed forms, which look profiles up by the label) do not
// take it for the model as published.
function groupLabel(g: AgentGroup): string {
  return g.overrides !== undefined && Object.keys(g.overrides).length > 0
    ? `${g.model} (what-if)`
    : g.model;
}

/**
 * The team's members: `{model, count}` (one group, the shorthand) or a list of
 * groups, numbered agent-0 .. agent-(n-1) in list order. Validated into
 * `{ model, count, groups }`: `count` is the whole team, `model` the one model of
 * a one-model team or a label such as "1×gpt-4o + 2×llama-3-70b" for a mixed one.
 */
function agentsSchema(
  modelName: z.ZodType<string>,
  profiles: ReadonlyMap<string, ModelProfile> | undefined,
) {
  const group = (withDefault: boolean) =>
    z.strictObject({
      model: withDefault ? modelName.default("gpt-4o") : modelName,
      count: z.number().int().min(1).max(MAX_AGENTS).default(1),
      role: z.string().min(1).optional().meta({
        description:
          "the group's role in the structure (leader, worker, a pipeline stage, ...); see teamsim protocols",
      }),
      overrides: z.record(z.string(), z.unknown()).optional().meta({
        description:
          "what-if changes to the model's profile for this group, spelt as in models/*.yaml (e.g. {price: {input_per_mtok: 1}} or {latency: {ttft: {dist: lognormal, median_s: 1, sigma: 0.3}}}): objects merge field by field, a distribution (with dist) or a number replaces; the result must be a valid profile; name cannot change",
      }),
    });
  return z
    .union([group(true), z.array(group(false)).min(1)])
    .transform((v, ctx) => {
      const groups: AgentGroup[] = Array.isArray(v) ? v : [v];
      groups.forEach((g, i) => {
        const profile = profiles?.get(g.model);
        if (g.overrides === undefined || profile === undefined) return;
        const at = Array.isArray(v) ? [i, "overrides"] : ["overrides"];
        for (const issue of profileOverrideIssues(profile, g.overrides))
          ctx.addIssue({ ...issue, path: [...at, ...issue.path] } as Parameters<
            typeof ctx.addIssue
          >[0]);
      });
      const count = groups.reduce((sum, g) => sum + g.count, 0);
      if (count > MAX_AGENTS) {
        ctx.addIssue({
          code: "custom",
          message: `at most ${MAX_AGENTS} agents in all groups together (found ${count})`,
        });
      }
      const models = [...new Set(groups.map(groupLabel))];
      const model =
        models.length === 1
          ? models[0]
          : groups.map((g) => `${g.count}×${groupLabel(g)}`).join(" + ");
      return { model, count, groups };
    })
    .prefault({} as never)
    .meta({
      description:
        "the team: {model, count} (copies of one model) or a list of groups [{model, count, role, overrides}], numbered agent-0.. in list order",
    });
}

// Each group's `role` must be what the structure makes its members (roles go by position).
function checkRoles(
  groups: readonly AgentGroup[],
  roles: readonly string[] | undefined,
  protocol: string,
  ctx: z.RefinementCtx,
): void {
  let start = 0;
  groups.forEach((g, i) => {
    const path = groups.length === 1 ? ["agents", "role"] : ["agents", i, "role"];
    const held = roles?.slice(start, start + g.count) ?? [];
    const members =
      g.count === 1 ? `agent-${start}` : `agent-${start}..agent-${start + g.count - 1}`;
    start += g.count;
    if (g.role === undefined) return;
    if (roles === undefined) {
      ctx.addIssue({
        code: "custom",
        path,
        message: `no role (${protocol} gives its members none)`,
      });
    } else if (held.some((r) => r !== g.role)) {
      const layout = describeRoles(roles);
      ctx.addIssue({
        code: "custom",
        path,
        message: `the role ${protocol} gives ${members}: ${[...new Set(held)].join(" and ")} (roles go by position: ${layout}; reorder or split the groups)`,
      });
    }
  });
}

// "agent-0 leader, agent-1..agent-4 worker": runs of one role.
function describeRoles(roles: readonly string[]): string {
  const runs: string[] = [];
  for (let i = 0; i < roles.length; ) {
    let j = i;
    while (j + 1 < roles.length && roles[j + 1] === roles[i]) j++;
    runs.push(`${i === j ? `agent-${i}` : `agent-${i}..agent-${j}`} ${roles[i]}`);
    i = j + 1;
  }
  return runs.join(", ");
}

/**
 * The zod schema of a scenario. `models` are the profiles available, or just
 * their names (so a misspelt model is caught with its position, and editors can
 * autocomplete it); with the profiles, a group's overrides are checked too.
 */
export function scenarioSchema(models: readonly string[] | ReadonlyMap<string, ModelProfile>) {
  const profiles = Array.isArray(models)
    ? undefined
    : (models as ReadonlyMap<string, ModelProfile>);
  const names = profiles === undefined ? (models as readonly string[]) : [...profiles.keys()];
  const modelName = names.length > 0 ? z.enum(names as [string, ...string[]]) : z.string();
  return z
    .strictObject({
      /** Editors' hint to the JSON Schema; ignored. */
      $schema: z.string().optional(),
      name: z.string().min(1).default("scenario"),
      description: z.string().optional(),
      seed: z.union([z.number().int(), z.string().min(1)]).default(1),
      replicates: z.number().int().min(1).default(100),
      horizon_s: z.number().positive().default(86400).meta({
        description: 'simulated seconds after which a replicate is cut off (end reason "horizon")',
      }),
      max_events: z.number().int().positive().default(50_000_000).meta({
        description:
          "events after which a replicate is cut off (a livelock is a result, not a hang)",
      }),
      agents: agentsSchema(modelName, profiles),
      team: TeamSchema.prefault({ protocol: "single" }),
      // `kind` may be left out: questions are the default task.
      task: z
        .preprocess(
          (v) =>
            v !== null && typeof v === "object" && !("kind" in v) ? { kind: "questions", ...v } : v,
          z.discriminatedUnion("kind", [
            QuestionsTaskSchema,
            WorkgraphTaskSchema,
            ChainTaskSchema,
            ForkJoinTaskSchema,
            LayeredTaskSchema,
            PaperSuiteTaskSchema,
          ]),
        )
        .transform(expandPaperSuite)
        .prefault({ kind: "questions" }),
      network: NetworkSchema.prefault({}),
      faults: z.array(FaultSchema).default([]),
      sweep: z
        .record(z.string(), z.array(z.unknown()).min(1))
        .optional()
        .meta({ description: "values per dotted path, for teamsim sweep (ignored by run)" }),
    })
    .superRefine((s, ctx) => {
      // A team over MAX_AGENTS is already an issue; listing its members' names
      // (or roles) to check references would run out of memory first.
      const count = s.agents?.count as unknown;
      if (typeof count === "number" && count > MAX_AGENTS) return;
      const family = s.task.kind === "questions" ? "questions" : "workgraph";
      const protocol = getProtocol(s.team.protocol);
      if (!protocol.tasks.includes(family)) {
        ctx.addIssue({
          code: "custom",
          path: ["team", "protocol"],
          message: `a protocol that runs ${family === "questions" ? "questions" : "work graphs"} (${protocol.name} runs ${protocol.tasks.join(" and ")} tasks)`,
        });
      }
      for (const problem of protocol.checkTeam?.(s.team, s.agents.count) ?? []) {
        ctx.addIssue({ code: "custom", path: ["team", problem.field], message: problem.expected });
      }
      // (A team that failed its own checks has no groups to check roles against.)
      if (s.agents?.groups !== undefined)
        checkRoles(s.agents.groups, protocol.roles?.(s.team, s.agents.count), protocol.name, ctx);
      const agents = new Set(Array.from({ length: s.agents.count }, (_, i) => `agent-${i}`));
      // Links and faults may also name the nodes the protocol adds (a coordinator).
      const extra = protocol.extraNodes ?? [];
      const nodes = new Set([...agents, ...extra]);
      const members = `agent-0 .. agent-${s.agents.count - 1}`;
      s.network.links.forEach((l, i) => {
        l.between.forEach((name, j) => {
          if (!nodes.has(name)) {
            ctx.addIssue({
              code: "custom",
              path: ["network", "links", i, "between", j],
              message: `a node of this team (${[members, ...extra].join(", ")})`,
            });
          }
        });
        // A node never sends to itself over the network: such a link would never be used.
        if (l.between[0] === l.between[1]) {
          ctx.addIssue({
            code: "custom",
            path: ["network", "links", i, "between", 1],
            message: `a node other than ${l.between[0]} (a link joins two different nodes)`,
          });
        }
      });
      s.faults.forEach((f, i) => {
        for (const { names, path, nodes: anyNode } of faultAgents(f)) {
          const known = anyNode ? nodes : agents;
          names.forEach((name, j) => {
            if (!known.has(name)) {
              ctx.addIssue({
                code: "custom",
                path: ["faults", i, ...path, j],
                message: `an agent of this team (${[members, ...(anyNode ? extra : [])].join(", ")})`,
              });
            }
          });
        }
      });
    });
}

/** A validated scenario with every default filled in. */
export type Scenario = z.output<ReturnType<typeof scenarioSchema>>;
