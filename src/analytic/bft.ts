import { z } from "zod";
import type { Law } from "./Law.js";

const params = z.strictObject({});

/** The smallest team that tolerates f Byzantine agents: 3f + 1. */
export function minTeamForByzantine(f: number): number {
  return 3 * f + 1;
}

/**
 * Byzantine agreement needs n >= 3f + 1 (quorums of 2f + 1 intersect in an
 * honest agent), so n agents tolerate f = floor((n - 1) / 3) Byzantine ones.
 */
export const bft: Law<typeof params> = {
  name: "bft",
  family: "availability",
  summary: "Byzantine agents n agents tolerate (PBFT): floor((n - 1) / 3)",
  formula: "f(n) = floor((n - 1) / 3); minimum team 3f + 1",
  source:
    "L. Lamport, R. Shostak, M. Pease, 'The Byzantine generals problem', TOPLAS 4(3), 1982; M. Castro and B. Liskov, 'Practical Byzantine fault tolerance', OSDI 1999",
  params,
  value: (n) => Math.floor((n - 1) / 3),
  exactness: "closed form",
};
