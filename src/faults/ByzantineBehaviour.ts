/**
 * How a Byzantine agent misbehaves: `silent` sends nothing; `always-wrong`
 * proposes and votes for a wrong answer; `equivocating` tells different peers
 * different things; `delaying` holds its messages back. Protocols that model
 * Byzantine faults (pbft) act on these; the network enforces `silent` and
 * `delaying` for every protocol, and the agent's model enforces `always-wrong`.
 */
export type ByzantineBehaviour = "silent" | "always-wrong" | "equivocating" | "delaying";

/** The behaviours, for schemas and help texts. */
export const BYZANTINE_BEHAVIOURS = ["silent", "always-wrong", "equivocating", "delaying"] as const;
