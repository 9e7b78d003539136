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
  /**
   * Who decides: "all" members decide every item (a replicated state machine,
   * gossip), or "some" node does (a coordinator, a leader; two-phase commit's
   * coordinator, whose participants need not all learn an abort; the default).
   * decided_all counts items decided by every correct member that is up at the
   * end for "all", by some node correct when it decided for "some".
   */
  deciders?: "all" | "some";
  /** Liveness it owes (checked by checkLiveness); none: the liveness verdict is n/a. */
  liveness?: Liveness<z.output<S>>;
  /**
   * The role of each member of a team of n, by position (agent-0 first): what a
   * group's `role` in the scenario must match. None: its members have no roles.
   */
  roles?(options: z.output<S>, n: number): string[];
  /**
   * Whether the order of its members matters beyond their roles (a cascade's
   * stages are tried in turn): `recommend --models` then tries every order.
   */
  orderedMembers?: boolean;
  /**
   * What one item (a question, or a subtask of a work graph) costs a team of n,
   * for the work estimate that refuses runaway jobs (estimateWork): an upper
   * estimate, so a big job is refused rather than started. Default
   * (defaultItemWork): n calls and n² messages.
   */
  workPerItem?(options: z.output<S>, n: number): ItemWork;
  /** Most Byzantine members it is built to tolerate in a team of n (default 0). */
  byzantineBound?(options: z.output<S>, n: number): number;
  create(rt: Runtime, options: z.output<S>): Protocol;
}

/**
 * The simulation work of one item: LLM calls, messages, and `steps`, other
 * per-item work in events' worth (timers, or bookkeeping that grows faster
 * than the messages, such as a vote count rescanned on every vote).
 */
export interface ItemWork {
  calls: number;
  messages: number;
  steps?: number;
}

/** The work of an item for a protocol that does not say: every member calls, all-to-all messages. */
export function defaultItemWork(n: number): ItemWork {
  return { calls: n, messages: n * n };
}

/** What a protocol promises once faults heal: progress with a quorum, within a bound. */
export interface Liveness<O> {
  /** Correct members that must be up and connected for progress (Raft: a majority). */
  quorum(options: O, n: number): number;
  /**
   * Seconds its timeouts may take to restore progress after the last fault heals
   * (elections, view changes with back-off); each item adds ten mean call latencies.
   */
  stabilizeS(options: O, n: number): number;
}
