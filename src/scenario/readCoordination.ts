import { z } from "zod";
import { loadYamlFile } from "./validateYaml.js";

const prob = z.number().min(0).max(1);

/**
 * The zod schema of a coordination file (models/coordination/*.yaml): how
 * agents of any model get in each other's way in the paper's team runs,
 * fitted on team runs by experiment/fitCoordination.ts.
 */
export const CoordinationSchema = z.strictObject({
  /** Decentralized: probability that an agent, deciding from the same stale task list as one before it, claims the same subtasks (a claim conflict and concurrent writes). */
  herding: prob,
  /** Probability that a subtask written concurrently by several agents fails its tests (the writes clobber each other) and is redone. */
  collision_break: prob,
  /** Edits an agent makes in a round where it has nothing to claim or is blocked (re-reads, rewrites, test fixes): idle agents still hold the barrier. */
  idle_edits: z.number().min(0),
  /** Per other agent, the added probability that a written subtask fails the shared test suite (others' unfinished or changed files). */
  interference: prob,
  /** Input tokens of a call grow by this fraction per other agent (the task list, claims and messages of the team). */
  context_per_agent: z.number().min(0),
  source: z.string().min(1),
});

/** How agents of any model get in each other's way (a validated coordination file). */
export type CoordinationParams = z.output<typeof CoordinationSchema>;

/** Reads and validates a coordination file; bad input is an InputError with file, line and path. */
export function readCoordination(file: string): CoordinationParams {
  return loadYamlFile(file, CoordinationSchema);
}
