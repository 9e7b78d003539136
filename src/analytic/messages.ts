import { z } from "zod";
import type { Law } from "./Law.js";

const params = z.strictObject({
  topology: z.enum(["star", "tree", "ring", "all-to-all", "gossip"]),
  /** Fan-out of a tree (does not change the count: a tree of n nodes has n - 1 edges). */
  branching: z.number().int().min(1).default(2),
  /** Rounds of communication; the value is messages per round times rounds. */
  rounds: z.number().int().min(0).default(1),
});

/** Messages of one round among n agents (0 for n = 1). */
export function messagesPerRound(topology: z.output<typeof params>["topology"], n: number): number {
  if (n <= 1) return 0;
  switch (topology) {
    case "star":
    case "tree":
      // A request and a reply over each of the n - 1 edges.
      return 2 * (n - 1);
    case "ring":
      return n;
    case "all-to-all":
      return n * (n - 1);
    case "gossip":
      // Push-pull: every node contacts one random peer, which answers.
      return 2 * n;
  }
}

/** Rounds for push-pull gossip to reach everyone: about ceil(log2 n) (Karp et al. 2000 give log3 n + O(log log n)). */
export function gossipRounds(n: number): number {
  return n <= 1 ? 0 : Math.ceil(Math.log2(n));
}

/**
 * Coordination messages of n agents per round, times `rounds`: star 2(n-1)
 * (request and reply per worker), tree 2(n-1) (each edge both ways), ring n
 * (one pass around), all-to-all n(n-1), gossip push-pull 2n per round (to
 * disseminate one value, take rounds = gossipRounds(n) = ceil(log2 n), about
 * 2n ceil(log2 n) messages).
 */
export const messages: Law<typeof params> = {
  name: "messages",
  family: "communication",
  summary: "messages per round (times rounds) of n agents in a given topology",
  formula:
    "star, tree: 2(n-1); ring: n; all-to-all: n(n-1); gossip push-pull: 2n (x ceil(log2 n) rounds to spread); times rounds",
  source:
    "N. A. Lynch, Distributed Algorithms, Morgan Kaufmann 1996; R. Karp, C. Schindelhauer, S. Shenker, B. Vocking, 'Randomized rumor spreading', FOCS 2000",
  params,
  value: (n, { topology, rounds }) => messagesPerRound(topology, n) * rounds,
  exactness: "closed form",
};
