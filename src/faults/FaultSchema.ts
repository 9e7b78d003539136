import { z } from "zod";
import { distCdf } from "../analytic/distCdf.js";
import { distQuantile } from "../analytic/distQuantile.js";
import type { DistSpec } from "../core/Distribution.js";
import { distributionSchema } from "../core/distributionSchema.js";
import { BYZANTINE_BEHAVIOURS } from "./ByzantineBehaviour.js";

const agentList = z.array(z.string().min(1)).min(1);
const prob = z.number().min(0).max(1);
const link = z.tuple([z.string().min(1), z.string().min(1)]);

const ACTIONS = [
  "crash",
  "recover",
  "crash_rate",
  "partition",
  "heal",
  "delay",
  "loss",
  "duplicate",
  "byzantine",
  "straggler",
  "rate_limit",
] as const;

/**
 * One entry of the fault plan (the "nemesis"): exactly one action, at `at_s`
 * seconds (default 0), some of them until `until_s`:
 * crash / recover (agents, at a time); crash_rate (random crashes of agents at a
 * rate, optionally recovering after a delay); partition (disjoint groups that
 * cannot reach each other, healed at `heal_at_s`) / heal; delay, loss, duplicate
 * (extra latency, loss or duplication on some or all links between two different
 * nodes, for a window); byzantine (agents and their `behaviour`); straggler
 * (agents whose calls are slowed by a factor drawn from `slowdown`, median >= 1,
 * for a window); rate_limit (the provider's requests per minute: calls beyond it
 * get 429s and back off).
 */
export const FaultSchema = z
  .strictObject({
    at_s: z.number().nonnegative().default(0),
    until_s: z.number().nonnegative().optional(),
    crash: agentList.optional(),
    recover: agentList.optional(),
    crash_rate: z
      .strictObject({
        agents: agentList.optional(),
        per_hour: z.number().positive(),
        /** Time until a crashed agent comes back; none: it stays down. */
        recover_after: distributionSchema("_s").optional(),
      })
      .optional(),
    partition: z.array(agentList).min(1).optional(),
    heal_at_s: z.number().nonnegative().optional(),
    heal: z.literal(true).optional(),
    /** Extra one-way latency on the `links` (default: every link). */
    delay: distributionSchema("_s").optional(),
    loss: prob.optional(),
    duplicate: prob.optional(),
    links: z.array(link).min(1).optional(),
    byzantine: agentList.optional(),
    behaviour: z.enum(BYZANTINE_BEHAVIOURS).optional(),
    straggler: agentList.optional(),
    /** Factor (>= 1) by which a straggler's call latencies are multiplied. */
    slowdown: distributionSchema("").optional(),
    rate_limit: z
      .strictObject({
        requests_per_minute: z.number().positive(),
        /** Requests that may go at once before the limit bites. */
        burst: z.number().int().positive().optional(),
      })
      .optional(),
  })
  .superRefine((f, ctx) => {
    const actions = ACTIONS.filter((k) => f[k] !== undefined);
    if (actions.length !== 1) {
      ctx.addIssue({
        code: "custom",
        message: `exactly one of ${ACTIONS.join(", ")} (found ${actions.length === 0 ? "none" : actions.join(" and ")})`,
      });
      return;
    }
    const action = actions[0];
    const only = (key: keyof typeof f, allowed: readonly string[]) => {
      if (f[key] !== undefined && !allowed.includes(action)) {
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: `${String(key)} only with ${allowed.join(" or ")}`,
        });
      }
    };
    only("heal_at_s", ["partition"]);
    only("links", ["delay", "loss", "duplicate"]);
    only("behaviour", ["byzantine"]);
    only("slowdown", ["straggler"]);
    only("until_s", ["delay", "loss", "duplicate", "straggler", "rate_limit", "byzantine"]);
    if (action === "straggler" && f.slowdown === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["slowdown"],
        message: "slowdown (the factor straggler calls are slowed by)",
      });
    }
    if (f.slowdown !== undefined) checkSlowdown(f.slowdown, ctx);
    if (f.partition !== undefined) checkDisjoint(f.partition, ctx);
    f.links?.forEach(([a, b], j) => {
      if (a === b) {
        ctx.addIssue({
          code: "custom",
          path: ["links", j, 1],
          message: `a node other than ${a} (a link joins two different nodes)`,
        });
      }
    });
    if (f.heal_at_s !== undefined && f.heal_at_s < f.at_s) {
      ctx.addIssue({
        code: "custom",
        path: ["heal_at_s"],
        message: `heal_at_s >= at_s (${f.at_s})`,
      });
    }
    if (f.until_s !== undefined && f.until_s < f.at_s) {
      ctx.addIssue({ code: "custom", path: ["until_s"], message: `until_s >= at_s (${f.at_s})` });
    }
  });

// The document field that sets a distribution's centre, so the error points at the number to change.
const CENTRE: Record<DistSpec["dist"], string> = {
  fixed: "value",
  uniform: "max",
  normal: "mean",
  lognormal: "median",
  exponential: "mean",
  gamma: "scale",
  pareto: "scale",
  beta: "dist",
  mixture: "components",
};

// P(X < 1): beta draws lie in [0, 1] (and distCdf has no beta CDF).
function belowOne(s: DistSpec): number {
  if (s.dist === "beta") return 1;
  if (s.dist === "mixture") return s.components.reduce((p, c) => p + c.weight * belowOne(c), 0);
  return distCdf(s, 1 - 1e-12);
}

// A straggler is slower, never faster: draws below 1 count as 1 (MockLLM), so a
// slowdown mostly below 1 would silently do nothing. Its median must be >= 1.
function checkSlowdown(s: DistSpec, ctx: z.RefinementCtx): void {
  if (belowOne(s) <= 0.5) return;
  if (s.dist === "fixed") {
    ctx.addIssue({
      code: "custom",
      path: ["slowdown"],
      message: `a slowdown factor >= 1 (a straggler's calls are slower, not faster; found value ${s.value})`,
    });
    return;
  }
  const beta =
    s.dist === "beta" || (s.dist === "mixture" && s.components.some((c) => c.dist === "beta"));
  // (distQuantile searches positive values only; a normal's median is its mean, or its floor.)
  const median = beta
    ? "below 1"
    : Number(
        (s.dist === "normal"
          ? Math.max(s.mean, s.min ?? s.mean)
          : distQuantile(s, 0.5)
        ).toPrecision(4),
      );
  ctx.addIssue({
    code: "custom",
    path: ["slowdown", CENTRE[s.dist]],
    message: `a slowdown whose median is >= 1 (a straggler's calls are slower, and draws below 1 count as 1; this one's median is ${median})`,
  });
}

// A node in two groups lands in the later one (Network.partition), so the order
// of the groups, not the plan, would decide which side it is on.
function checkDisjoint(groups: readonly (readonly string[])[], ctx: z.RefinementCtx): void {
  const groupOf = new Map<string, number>();
  groups.forEach((g, i) => {
    g.forEach((name, k) => {
      const first = groupOf.get(name);
      if (first !== undefined && first !== i) {
        ctx.addIssue({
          code: "custom",
          path: ["partition", i, k],
          message: `each node in one group of the partition (${name} is in group ${first} too)`,
        });
      } else groupOf.set(name, i);
    });
  });
}

/** A fault as written in a scenario (before defaults and unit suffixes are resolved). */
export type FaultInput = z.input<typeof FaultSchema>;

/** A validated fault. */
export type Fault = z.output<typeof FaultSchema>;

/** The node names a fault refers to, with their paths (for checking them against the team). */
export function faultAgents(
  f: Fault,
): { names: string[]; path: (string | number)[]; nodes: boolean }[] {
  const out: { names: string[]; path: (string | number)[]; nodes: boolean }[] = [];
  if (f.crash) out.push({ names: f.crash, path: ["crash"], nodes: false });
  if (f.recover) out.push({ names: f.recover, path: ["recover"], nodes: false });
  if (f.crash_rate?.agents)
    out.push({ names: f.crash_rate.agents, path: ["crash_rate", "agents"], nodes: false });
  if (f.byzantine) out.push({ names: f.byzantine, path: ["byzantine"], nodes: false });
  if (f.straggler) out.push({ names: f.straggler, path: ["straggler"], nodes: false });
  f.partition?.forEach((g, i) => {
    out.push({ names: g, path: ["partition", i], nodes: true });
  });
  f.links?.forEach((l, i) => {
    out.push({ names: [...l], path: ["links", i], nodes: true });
  });
  return out;
}
