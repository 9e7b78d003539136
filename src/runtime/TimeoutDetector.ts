import type { FailureDetector } from "./FailureDetector.js";
import { HEARTBEAT, type Node, type Timer } from "./Node.js";

/** What a timeout detector counts, for the run's metrics. */
export interface SuspicionCounters {
  suspicions: number;
  /** Suspicions of a node that was up at the time (a delay or a partition, not a crash). */
  false_suspicions: number;
}

/** Heartbeat message size in tokens. */
const HEARTBEAT_TOKENS = 4;

/**
 * A heartbeat failure detector (Chandra & Toueg 1996, an eventually perfect
 * detector under partial synchrony): every watched node sends a heartbeat to the
 * watcher every `heartbeatS`; the watcher suspects a node after `timeoutS`
 * without one and trusts it again at its next heartbeat. Under message delay,
 * loss or a partition it suspects nodes that are up.
 */
export class TimeoutDetector implements FailureDetector {
  readonly fallible = true;
  private readonly listeners: ((node: Node, suspected: boolean) => void)[] = [];
  private readonly suspected = new Set<Node>();
  private readonly deadlines = new Map<Node, Timer>();
  private readonly beats = new Map<Node, Timer>();
  private stopped = false;

  constructor(
    private readonly watcher: Node,
    private readonly watched: readonly Node[],
    private readonly heartbeatS: number,
    private readonly timeoutS: number,
    private readonly counters: SuspicionCounters,
  ) {
    watcher.heartbeatSink = (from) => this.heard(from);
    for (const n of watched) this.startBeating(n);
    this.armAll();
  }

  suspects(node: Node): boolean {
    return this.suspected.has(node);
  }

  onChange(listener: (node: Node, suspected: boolean) => void): void {
    this.listeners.push(listener);
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.beats.values()) t.cancel();
    for (const t of this.deadlines.values()) t.cancel();
  }

  /** @internal The runtime reports a crash (false) or a recovery (true) of any node. */
  notify(node: Node, up: boolean): void {
    if (this.stopped || !up) return;
    // A recovered watched node beats again; a recovered watcher starts its clocks afresh.
    if (this.watched.includes(node)) this.startBeating(node);
    if (node === this.watcher) this.armAll();
  }

  private startBeating(node: Node): void {
    if (node === this.watcher) return;
    this.beats.set(
      node,
      node.every(this.heartbeatS, () => node.send(this.watcher, HEARTBEAT, null, HEARTBEAT_TOKENS)),
    );
  }

  private armAll(): void {
    for (const n of this.watched) if (n !== this.watcher) this.arm(n);
  }

  private arm(node: Node): void {
    this.deadlines.get(node)?.cancel();
    this.deadlines.set(
      node,
      this.watcher.after(this.timeoutS, () => this.suspect(node)),
    );
  }

  private heard(node: Node): void {
    if (this.stopped) return;
    this.arm(node);
    if (this.suspected.delete(node)) for (const l of this.listeners) l(node, false);
  }

  private suspect(node: Node): void {
    if (this.suspected.has(node)) return;
    this.suspected.add(node);
    this.counters.suspicions++;
    if (node.isUp) this.counters.false_suspicions++;
    for (const l of this.listeners) l(node, true);
  }
}
