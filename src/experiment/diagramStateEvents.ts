/**
 * Trace event types that happen before a diagram's time window yet still shape
 * it (a partition not yet healed, a leader's term, a crash not yet recovered):
 * kept by the report's windowed trace, drawn by none but their effect.
 */
export const DIAGRAM_STATE_EVENTS: ReadonlySet<string> = new Set([
  "partition",
  "heal",
  "raft_leader",
  "raft_step_down",
  "crash",
  "recover",
]);
