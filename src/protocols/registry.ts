import { z } from "zod";
import { independent } from "./independent.js";
import type { ProtocolModule } from "./Protocol.js";
import { single } from "./single.js";

/** Every protocol teamsim knows, by name. New protocols are added here and nowhere else. */
export const PROTOCOLS: readonly ProtocolModule[] = [single, independent];

/** The scenario's `team` block: one shape per protocol, chosen by `protocol`. */
export const TeamSchema = z.discriminatedUnion("protocol", [single.schema, independent.schema]);

/** A validated `team` block. */
export type TeamConfig = z.output<typeof TeamSchema>;

/** The protocol module called `name`. */
export function getProtocol(name: string): ProtocolModule {
  const p = PROTOCOLS.find((m) => m.name === name);
  if (p === undefined) throw new Error(`unknown protocol ${name}`);
  return p;
}
