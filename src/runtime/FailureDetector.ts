import { z } from "zod";
import type { Node } from "./Node.js";

/** `team.failure_detector`: how coordinators and leaders learn that a member is down. */
export const FailureDetectorSchema = z
  .union([
    z.literal("perfect").meta({
      description:
        "the simulator tells the watcher of every crash and recovery at once (an oracle; never wrong, never late)",
    }),
    z
      .strictObject({
        kind: z.literal("timeout"),
        heartbeat_s: z
          .number()
          .positive()
          .default(1)
          .meta({ description: "every watched node sends a heartbeat this often" }),
        timeout_s: z.number().positive().default(5).meta({
          description:
            "a node is suspected after this long without a heartbeat; under delay or partition the suspicion can be wrong",
        }),
      })
      .meta({ description: "heartbeats and a timeout: suspicion can be late or wrong" }),
  ])
  .default("perfect");

/** A validated `team.failure_detector`. */
export type FailureDetectorConfig = z.output<typeof FailureDetectorSchema>;

/** What a watcher believes about the nodes it watches. */
export interface FailureDetector {
  /** Whether `node` is currently suspected to be down. */
  suspects(node: Node): boolean;
  /** Calls `listener` whenever a watched node becomes suspected (true) or trusted again (false). */
  onChange(listener: (node: Node, suspected: boolean) => void): void;
  /** Whether the detector can be wrong (and so waits should re-request what is missing). */
  readonly fallible: boolean;
  /** Stops its heartbeats (the protocol is done: let the run become quiescent). */
  stop(): void;
}
