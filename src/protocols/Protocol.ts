import type { z } from "zod";
import type { LawFits } from "../analytic/LawFit.js";
import type { Protocol, Runtime } from "../runtime/Runtime.js";
import type { TaskFamily } from "../tasks/Task.js";

export type { Protocol } from "../runtime/Runtime.js";

/**
 * A protocol as the registry knows it: everything about it in one module (its
 * name, its scenario options, the tasks it runs, the nodes it adds, its example
 * scenario, its mapping onto the closed-form laws, its factory).
 */
export interface ProtocolModule<S extends z.ZodType = z.ZodType> {
  name: string;
  /** One line for `teamsim protocols` and the docs. */
  summary: string;
  /** The zod schema of the scenario's `team` block for this protocol. */
  schema: S;
  /** The task families it can run. */
  tasks: readonly TaskFamily[];
  /** Nodes it adds besides the team members (e.g. a coordinator). */
  extraNodes?: readonly string[];
  /** Its example scenario, from the package root (e.g. "scenarios/raft-failover.yaml"). */
  example: string;
  /** Which closed-form laws describe it, and how its team maps onto them. */
  law: LawFits<z.output<S>>;
  /**
   * Problems of its options for a team of n agents, each a field of `team` and
   * what it expected there (the scenario validator reports them; exit 2).
   */
  checkTeam?(options: z.output<S>, n: number): { field: string; expected: string }[];
  create(rt: Runtime, options: z.output<S>): Protocol;
}
