/**
 * How a Byzantine agent misbehaves: `silent` sends nothing; `always-wrong`
 * proposes and votes for a wrong answer; `equivocating` tells different peers
 * different things; `delaying` holds its messages back. The network enforces
 * `silent` and `delaying` for every protocol, and the agent's model enforces
 * `always-wrong`; protocols that model Byzantine faults (pbft, gossip) act on
 * the rest. PBFT's adversary also attacks its view changes: `view-attacker`
 * asks for future views with fabricated certificates, tries to forge other
 * replicas' signed messages, and as a new primary sends bogus NEW-VIEWs;
 * `withholding` keeps its certificates, commits and NEW-VIEWs to itself;
 * `replaying` resends old messages (its own and others', signatures intact).
 */
export type ByzantineBehaviour = (typeof BYZANTINE_BEHAVIOURS)[number];

/** The behaviours, for schemas and help texts. */
export const BYZANTINE_BEHAVIOURS = [
  "silent",
  "always-wrong",
  "equivocating",
  "delaying",
  "view-attacker",
  "withholding",
  "replaying",
] as const;
