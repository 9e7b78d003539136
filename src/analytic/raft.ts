import { z } from "zod";
import type { Law } from "./Law.js";

const params = z.strictObject({});

/**
 * Crash-fault consensus with majority quorums (Raft, Paxos) stays live while a
 * majority is up: n agents tolerate floor((n - 1) / 2) crashes.
 */
export const raft: Law<typeof params> = {
  name: "raft",
  family: "availability",
  summary: "crashed agents a majority-quorum consensus (Raft) tolerates: floor((n - 1) / 2)",
  formula: "f(n) = floor((n - 1) / 2); minimum team 2f + 1",
  source:
    "D. Ongaro and J. Ousterhout, 'In search of an understandable consensus algorithm', USENIX ATC 2014; L. Lamport, 'The part-time parliament', TOCS 16(2), 1998",
  params,
  value: (n) => Math.floor((n - 1) / 2),
  exactness: "closed form",
};
