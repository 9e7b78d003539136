import { amdahl } from "./amdahl.js";
import { bft } from "./bft.js";
import { cascade } from "./cascade.js";
import { gustafson } from "./gustafson.js";
import { hedge } from "./hedge.js";
import { independentCost } from "./independentCost.js";
import type { Law } from "./Law.js";
import { leaderWorkerSpeedup } from "./leaderWorkerSpeedup.js";
import { messages } from "./messages.js";
import { quorum } from "./quorum.js";
import { quorumWait } from "./quorumWait.js";
import { raft } from "./raft.js";
import { stragglerMax } from "./stragglerMax.js";
import { tokens } from "./tokens.js";
import { usl } from "./usl.js";
import { vote } from "./vote.js";
import { voteBeta } from "./voteBeta.js";
import { voteMixed } from "./voteMixed.js";
import { voteMixture } from "./voteMixture.js";
import { workSpan } from "./workSpan.js";

/** Every law `teamsim curve` knows, by name. New laws are added here. */
export const LAWS: readonly Law[] = [
  amdahl,
  gustafson,
  workSpan,
  usl,
  vote,
  voteBeta,
  voteMixture,
  voteMixed,
  stragglerMax,
  quorumWait,
  hedge,
  messages,
  tokens,
  quorum,
  bft,
  raft,
  independentCost,
  leaderWorkerSpeedup,
  cascade,
];

/** The law called `name`, or undefined. */
export function findLaw(name: string): Law | undefined {
  return LAWS.find((l) => l.name === name);
}
