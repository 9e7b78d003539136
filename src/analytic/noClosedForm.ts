/** A protocol the analytic engine has no law for, and why: `recommend` must simulate it. */
export interface NoClosedForm {
  protocol: string;
  reason: string;
}

/**
 * Protocols without a closed form for their accuracy or speedup (simulation
 * only). The others map to laws: independent (vote, vote-beta, vote-mixture,
 * independent-cost, hedge), leader-worker (leader-worker-speedup, work-span),
 * raft (raft, quorum), pbft (bft), gossip and tree (messages), single (1).
 */
export const NO_CLOSED_FORM: readonly NoClosedForm[] = [
  {
    protocol: "debate",
    reason:
      "agents conform to or defer to peers round by round: the votes become dependent through opinion dynamics, no closed form",
  },
  {
    protocol: "decentralized",
    reason:
      "peers claim subtasks on an eventually consistent board: conflicts and rework depend on timing and propagation delay",
  },
  {
    protocol: "pipeline",
    reason:
      "reviews send bad code back upstream: a queueing network with feedback whose stage times are not exponential",
  },
  {
    protocol: "tree",
    reason:
      "speedup depends on how sub-leaders split the graph and on nested review delays; only its message count has a law",
  },
];
