import { z } from "zod";
import { debate } from "./debate.js";
import { decentralized } from "./decentralized.js";
import { gossip } from "./gossip.js";
import { independent } from "./independent.js";
import { leaderWorker } from "./leaderWorker.js";
import type { ProtocolModule } from "./Protocol.js";
import { pbft } from "./pbft.js";
import { pipeline } from "./pipeline.js";
import { raft } from "./raft.js";
import { single } from "./single.js";
import { tree } from "./tree.js";

/** Every protocol teamsim knows, by name. New protocols are added here and nowhere else. */
export const PROTOCOLS: readonly ProtocolModule[] = [
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
];

/** The scenario's `team` block: one shape per protocol, chosen by `protocol`. */
export const TeamSchema = z.discriminatedUnion("protocol", [
  single.schema,
  independent.schema,
  debate.schema,
  leaderWorker.schema,
  tree.schema,
  decentralized.schema,
  pipeline.schema,
  raft.schema,
  pbft.schema,
  gossip.schema,
]);

/** A validated `team` block. */
export type TeamConfig = z.output<typeof TeamSchema>;

/** The protocol module called `name`. */
export function getProtocol(name: string): ProtocolModule {
  const p = PROTOCOLS.find((m) => m.name === name);
  if (p === undefined) throw new Error(`unknown protocol ${name}`);
  return p;
}
