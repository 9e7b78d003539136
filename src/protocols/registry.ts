import { z } from "zod";
import { FailureDetectorSchema } from "../runtime/FailureDetector.js";
import { cascade } from "./cascade.js";
import { debate } from "./debate.js";
import { decentralized } from "./decentralized.js";
import { gossip } from "./gossip.js";
import { independent } from "./independent.js";
import { leaderWorker } from "./leaderWorker.js";
import { mixtureOfAgents } from "./mixtureOfAgents.js";
import type { ProtocolModule } from "./Protocol.js";
import { pbft } from "./pbft.js";
import { pipeline } from "./pipeline.js";
import { raft } from "./raft.js";
import { single } from "./single.js";
import { tree } from "./tree.js";
import { twoPhaseCommit } from "./twoPhaseCommit.js";

// New protocols are added here and nowhere else. A tuple, so that TeamSchema
// keeps each protocol's option types.
const MODULES = [
  single,
  independent,
  debate,
  leaderWorker,
  tree,
  decentralized,
  pipeline,
  raft,
  pbft,
  gossip,
  twoPhaseCommit,
  cascade,
  mixtureOfAgents,
] as const;

/** Every protocol teamsim knows, in the order `teamsim protocols` lists them. */
export const PROTOCOLS: readonly ProtocolModule[] = MODULES;

// Options of the runtime that every protocol accepts.
const RUNTIME_OPTIONS = { failure_detector: FailureDetectorSchema };

/** The scenario's `team` block: one shape per protocol, chosen by `protocol`, plus the runtime's options. */
export const TeamSchema = z.discriminatedUnion(
  "protocol",
  // A tuple's map is typed as an array: it keeps one schema per protocol, in order.
  MODULES.map((p) =>
    p.schema.extend(RUNTIME_OPTIONS).meta({ description: `${p.name}: ${p.summary}` }),
  ) as unknown as TeamSchemas,
);

type TeamSchemas = WithRuntimeAll<typeof MODULES>;
type WithRuntimeAll<T extends readonly unknown[]> = { -readonly [K in keyof T]: WithRuntime<T[K]> };
type WithRuntime<M> =
  M extends ProtocolModule<z.ZodObject<infer Shape, infer Config>>
    ? z.ZodObject<z.core.util.Extend<Shape, typeof RUNTIME_OPTIONS>, Config>
    : never;

/** A validated `team` block. */
export type TeamConfig = z.output<typeof TeamSchema>;

/** The protocol module called `name`. */
export function getProtocol(name: string): ProtocolModule {
  const p = PROTOCOLS.find((m) => m.name === name);
  if (p === undefined) throw new Error(`unknown protocol ${name}`);
  return p;
}
