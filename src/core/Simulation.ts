import { Heap } from "heap-js";

// Queue entries are pooled and reused: an entry that lives in the queue for
// thousands of events would otherwise survive young-generation GC and be
// promoted, which costs more than the simulation itself (see `npm run bench`).
class Entry {
  time = 0;
  priority = 0;
  seq = 0;
  handler: (() => void) | null = null;
  cancelled = false;
}

/**
 * A scheduled event, as returned by `schedule`: pass it to `cancel`. It stays
 * valid (and harmless) after the event has run.
 */
export class SimEvent {
  constructor(
    /** @internal */ readonly entry: Entry,
    /** Insertion sequence number: unique within a Simulation. */
    readonly seq: number,
    /** When it is (or was) due. */
    readonly time: number,
  ) {}
}

/** Why `run` returned. */
export type EndReason = "quiescent" | "horizon" | "max_events" | "stopped";

/** What `run` reports. */
export interface RunOutcome {
  reason: EndReason;
  now: number;
  events: number;
}

/** Limits of one `run`. */
export interface RunOptions {
  /** Simulated time (s) after which no event is processed; the clock ends here. */
  until?: number;
  /** Stop after processing this many events (a livelock becomes a result, not a hang). */
  maxEvents?: number;
}

// Ties break by (time, priority, insertion sequence) so that runs are reproducible
// regardless of the heap's internal layout.
function compareEntries(a: Entry, b: Entry): number {
  return a.time - b.time || a.priority - b.priority || a.seq - b.seq;
}

/**
 * The discrete-event kernel: a clock and an event queue (heap-js), nothing else.
 * Everything else (network, agents, protocols) is built on `schedule`.
 */
export class Simulation {
  private readonly queue = new Heap<Entry>(compareEntries);
  private readonly pool: Entry[] = [];
  private seq = 0;
  private cancelledPending = 0;
  private stopRequested = false;
  private processed = 0;
  /** Current simulated time in seconds. */
  now = 0;

  /** Schedules `handler` to run `delay` seconds from now (finite, >= 0); on equal times lower `priority` runs first, then earlier-scheduled. */
  schedule(delay: number, handler: () => void, priority = 0): SimEvent {
    if (!(delay >= 0 && delay !== Number.POSITIVE_INFINITY)) {
      throw new RangeError(`schedule: delay must be a finite number >= 0, got ${delay}`);
    }
    const e = this.pool.pop() ?? new Entry();
    const seq = this.seq++;
    const time = this.now + delay;
    e.time = time;
    e.priority = priority;
    e.seq = seq;
    e.handler = handler;
    e.cancelled = false;
    this.queue.add(e);
    return new SimEvent(e, seq, time);
  }

  /** Schedules `handler` at absolute time `time` (>= now). */
  scheduleAt(time: number, handler: () => void, priority = 0): SimEvent {
    return this.schedule(time - this.now, handler, priority);
  }

  /** Cancels a pending event; returns false if it already ran or was cancelled. */
  cancel(ev: SimEvent): boolean {
    const e = ev.entry;
    // A recycled entry carries another event's sequence number.
    if (e.seq !== ev.seq || e.cancelled || e.handler === null) return false;
    e.cancelled = true;
    this.cancelledPending++;
    return true;
  }

  /** Asks `run` to return after the current event (reason "stopped"). */
  stop(): void {
    this.stopRequested = true;
  }

  /** Number of events waiting to run (cancelled ones excluded). */
  get pending(): number {
    return this.queue.length - this.cancelledPending;
  }

  /** Total number of events processed so far. */
  get eventsProcessed(): number {
    return this.processed;
  }

  /** Processes events in order until quiescence, `until`, `maxEvents` or `stop()`. */
  run(options: RunOptions = {}): RunOutcome {
    const until = options.until ?? Number.POSITIVE_INFINITY;
    const maxEvents = options.maxEvents ?? Number.POSITIVE_INFINITY;
    const queue = this.queue;
    const pool = this.pool;
    const start = this.processed;
    this.stopRequested = false;
    let reason: EndReason = "quiescent";
    for (;;) {
      const next = queue.peek();
      if (next === undefined) break;
      if (next.cancelled) {
        queue.pop();
        this.cancelledPending--;
        next.handler = null;
        pool.push(next);
        continue;
      }
      if (next.time > until) {
        this.now = until;
        reason = "horizon";
        break;
      }
      if (this.processed - start >= maxEvents) {
        reason = "max_events";
        break;
      }
      queue.pop();
      this.now = next.time;
      this.processed++;
      const handler = next.handler as () => void;
      next.handler = null;
      pool.push(next);
      handler();
      if (this.stopRequested) {
        reason = "stopped";
        break;
      }
    }
    return { reason, now: this.now, events: this.processed - start };
  }
}
