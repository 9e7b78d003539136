import { z } from "zod";

const agentList = z.array(z.string().min(1)).min(1);

/**
 * One scheduled fault, at `at_s` seconds of simulated time: exactly one of
 * crash (agents go down), recover (they come back), partition (groups of nodes
 * that cannot reach each other, optionally healed at `heal_at_s`) or heal.
 */
export const FaultSchema = z
  .strictObject({
    at_s: z.number().nonnegative(),
    crash: agentList.optional(),
    recover: agentList.optional(),
    partition: z.array(agentList).min(1).optional(),
    heal_at_s: z.number().nonnegative().optional(),
    heal: z.literal(true).optional(),
  })
  .superRefine((f, ctx) => {
    const actions = (["crash", "recover", "partition", "heal"] as const).filter(
      (k) => f[k] !== undefined,
    );
    if (actions.length !== 1) {
      ctx.addIssue({
        code: "custom",
        message: `exactly one of crash, recover, partition, heal (found ${actions.length === 0 ? "none" : actions.join(" and ")})`,
      });
    }
    if (f.heal_at_s !== undefined && f.partition === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["heal_at_s"],
        message: "heal_at_s only with partition",
      });
    }
    if (f.heal_at_s !== undefined && f.heal_at_s < f.at_s) {
      ctx.addIssue({
        code: "custom",
        path: ["heal_at_s"],
        message: `heal_at_s >= at_s (${f.at_s})`,
      });
    }
  });

/** A validated fault. */
export type Fault = z.output<typeof FaultSchema>;

/** The agent names a fault refers to (for checking them against the team). */
export function faultAgents(f: Fault): { names: string[]; path: (string | number)[] }[] {
  const out: { names: string[]; path: (string | number)[] }[] = [];
  if (f.crash) out.push({ names: f.crash, path: ["crash"] });
  if (f.recover) out.push({ names: f.recover, path: ["recover"] });
  f.partition?.forEach((g, i) => {
    out.push({ names: g, path: ["partition", i] });
  });
  return out;
}
