/**
 * One structured event of a run: `t` is simulated time (s), `type` what happened
 * (send, deliver, drop, call_start, call_end, retry, crash, recover, partition,
 * heal, decide, ...); other fields depend on the type.
 */
export interface TraceEvent {
  t: number;
  type: string;
  [field: string]: unknown;
}

/**
 * Where a run's events go. Producers check `enabled` before building an event, so
 * an untraced run allocates nothing for tracing.
 */
export interface Trace {
  readonly enabled: boolean;
  record(event: TraceEvent): void;
}

/** The trace of an untraced run: drops everything. */
export const NO_TRACE: Trace = { enabled: false, record() {} };

/** Keeps events in memory (tests, small runs). */
export class MemoryTrace implements Trace {
  readonly enabled = true;
  readonly events: TraceEvent[] = [];
  /** Appends `event`. */
  record(event: TraceEvent): void {
    this.events.push(event);
  }
}
