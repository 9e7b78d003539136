import type { z } from "zod";
import type { MockLLM } from "../agents/MockLLM.js";
import type { History } from "../checkers/History.js";
import type { Rng } from "../core/Rng.js";
import type { Simulation } from "../core/Simulation.js";
import type { Trace } from "../core/Trace.js";
import type { ByzantineBehaviour } from "../faults/ByzantineBehaviour.js";
import type { Network } from "../net/Network.js";
import type { Task, TaskFamily } from "../tasks/Task.js";

/**
 * Everything a protocol may touch. A protocol never reaches the event queue or
 * randomness any other way: it schedules through `sim`, talks through `net`,
 * calls models through `agents` and draws from its own streams of `rng`.
 */
export interface ProtocolContext {
  sim: Simulation;
  net: Network;
  rng: Rng;
  trace: Trace;
  /** The team, agent-0 .. agent-(n-1). */
  agents: readonly MockLLM[];
  task: Task;
  /** Where proposals and decisions go, for the checkers and the metrics. */
  history: History;
  /** Coordination costs the protocol counts itself. */
  counters: ProtocolCounters;
  /** Byzantine agents of this run (from the fault plan) and how they misbehave. */
  byzantine: ReadonlyMap<string, ByzantineBehaviour>;
}

/** Coordination measurements that only the protocol can count. */
export interface ProtocolCounters {
  /** Two agents claimed the same subtask or wrote the same file. */
  conflicts: number;
  /** Subtask attempts thrown away (caught errors, lost conflicts) and done again. */
  rework: number;
  /** Synchronous rounds (or, for asynchronous protocols, the most calls any agent made in sequence). */
  rounds: number;
}

/** One run of a protocol. */
export interface Protocol {
  /** Schedules the protocol's first events; the kernel does the rest. */
  start(): void;
}

/** A protocol as the registry knows it: its name, its scenario options, its factory. */
export interface ProtocolModule<S extends z.ZodType = z.ZodType> {
  name: string;
  /** One line for `teamsim protocols` and the docs. */
  summary: string;
  /** The zod schema of the scenario's `team` block for this protocol. */
  schema: S;
  /** The task families it can run. */
  tasks: readonly TaskFamily[];
  create(ctx: ProtocolContext, options: z.output<S>): Protocol;
}
