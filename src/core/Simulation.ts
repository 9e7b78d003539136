import { EventQueue } from "./EventQueue.js";

// Queue entries are pooled and reused: an entry that lives in the queue for
// thousands of events would otherwise survive young-generation GC and be
// promoted, which costs more than the simulation itself (see `npm run bench`).
class Entry {
  constructor(
    /** Its index in the simulation's entry table (the queue carries slots). */
    readonly slot: number,
  ) {}
  time = 0;
  priority = 0;
  seq = 0;
  handler: (() => void) | null = null;
  sink: EventSink | null = null;
  item: unknown = null;
  cancelled = false;
}

/**
 * Receives posted items (see `Simulation.post`): one object serves every
 * event it posts, so a message in flight costs no closure.
 */
export interface EventSink {
  /** Handles `item` at its time. */
  fire(item: unknown): void;
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

/**
 * The discrete-event kernel: a clock and an event queue, nothing else.
 * Everything else (network, agents, protocols) is built on `schedule`. Ties
 * break by (time, priority, insertion sequence), so runs are reproducible
 * regardless of the heap's layout.
 */
export class Simulation {
  private readonly queue = new EventQueue();
  /** Every entry ever made, by slot; the free ones are listed in `pool`. */
  private readonly entries: Entry[] = [];
  private readonly pool: Entry[] = [];
  private seq = 0;
  private cancelledPending = 0;
  private stopRequested = false;
  private processed = 0;
  /** Current simulated time in seconds. */
  now = 0;

  /** Schedules `handler` to run `delay` seconds from now (finite, >= 0); on equal times lower `priority` runs first, then earlier-scheduled. */
  schedule(delay: number, handler: () => void, priority = 0): SimEvent {
    const e = this.enqueue("schedule", delay, priority);
    e.handler = handler;
    return new SimEvent(e, e.seq, e.time);
  }

  /**
   * Delivers `item` to `sink.fire` after `delay` seconds, like `schedule` with
   * priority 0 but allocating nothing: a sleeping process's wake-up. Returns
   * the event's slot; with `lastSeq`, read at once, it is the handle that
   * `cancelSlot` takes (two numbers the caller keeps, instead of a SimEvent).
   */
  notify(delay: number, sink: EventSink, item: unknown): number {
    const e = this.enqueue("notify", delay, 0);
    e.sink = sink;
    e.item = item;
    return e.slot;
  }

  // A pooled entry, queued `delay` seconds from now; the caller sets what it runs.
  private enqueue(what: string, delay: number, priority: number): Entry {
    if (!(delay >= 0 && delay !== Number.POSITIVE_INFINITY)) {
      throw new RangeError(`${what}: delay must be a finite number >= 0, got ${delay}`);
    }
    const e = this.pool.pop() ?? this.newEntry();
    const seq = this.seq++;
    const time = this.now + delay;
    e.time = time;
    e.priority = priority;
    e.seq = seq;
    e.cancelled = false;
    this.queue.push(time, priority, seq, e.slot);
    return e;
  }

  /** Sequence number of the event scheduled last (see `notify`). */
  get lastSeq(): number {
    return this.seq - 1;
  }

  /** Cancels the event `notify` returned as (`slot`, `seq`); false if it already ran or was cancelled. */
  cancelSlot(slot: number, seq: number): boolean {
    const e = this.entries[slot];
    if (e === undefined || e.seq !== seq || e.cancelled || (e.handler === null && e.sink === null))
      return false;
    e.cancelled = true;
    this.cancelledPending++;
    return true;
  }

  /**
   * Delivers `item` to `sink.fire` at absolute time `time` (>= now), like
   * `scheduleAt` with priority 0 but without a closure or an event handle to
   * allocate: the network's path for every message. Not cancellable.
   */
  post(time: number, sink: EventSink, item: unknown): void {
    if (!(time >= this.now && time !== Number.POSITIVE_INFINITY)) {
      throw new RangeError(`post: time must be finite and >= now (${this.now}), got ${time}`);
    }
    const e = this.pool.pop() ?? this.newEntry();
    e.time = time;
    e.priority = 0;
    e.seq = this.seq++;
    e.sink = sink;
    e.item = item;
    e.cancelled = false;
    this.queue.push(time, 0, e.seq, e.slot);
  }

  /** Schedules `handler` at absolute time `time` (>= now). */
  scheduleAt(time: number, handler: () => void, priority = 0): SimEvent {
    return this.schedule(time - this.now, handler, priority);
  }

  /** Cancels a pending event; returns false if it already ran or was cancelled. */
  cancel(ev: SimEvent): boolean {
    const e = ev.entry;
    // A recycled entry carries another event's sequence number.
    if (e.seq !== ev.seq || e.cancelled || (e.handler === null && e.sink === null)) return false;
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
    return this.queue.size - this.cancelledPending;
  }

  private newEntry(): Entry {
    const e = new Entry(this.entries.length);
    this.entries.push(e);
    return e;
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
    const entries = this.entries;
    const start = this.processed;
    this.stopRequested = false;
    let reason: EndReason = "quiescent";
    while (queue.size > 0) {
      const next = entries[queue.peekSlot()];
      if (next.cancelled) {
        queue.pop();
        this.cancelledPending--;
        next.handler = null;
        next.sink = null;
        next.item = null;
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
      const handler = next.handler;
      if (handler !== null) {
        next.handler = null;
        pool.push(next);
        handler();
      } else {
        const sink = next.sink as EventSink;
        const item = next.item;
        next.sink = null;
        next.item = null;
        pool.push(next);
        sink.fire(item);
      }
      if (this.stopRequested) {
        reason = "stopped";
        break;
      }
    }
    return { reason, now: this.now, events: this.processed - start };
  }
}
