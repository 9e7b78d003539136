import { type DistSpec, sample } from "../core/Distribution.js";
import type { RandomStream, Rng } from "../core/Rng.js";
import type { Simulation } from "../core/Simulation.js";
import type { Trace } from "../core/Trace.js";

/** What a partition does to a message that cannot cross it. */
export type PartitionMode = "drop" | "hold";

/** Link behaviour shared by every pair of nodes. */
export interface NetworkConfig {
  /** One-way delay per message. */
  latency: DistSpec;
  /** Probability that a message is lost. */
  loss: number;
  /** Probability that a message is delivered twice. */
  duplicate: number;
  /** Deliver messages on each (from, to) link in send order. */
  fifo: boolean;
  /** Cut links drop messages, or hold them until the partition heals. */
  partition_mode: PartitionMode;
  /** Per-link exceptions, both directions; a later entry wins over an earlier one. */
  links?: readonly LinkOverride[];
}

/** Different latency, loss or duplication on the link between two nodes. */
export interface LinkOverride {
  between: readonly [string, string];
  latency?: DistSpec;
  loss?: number;
  duplicate?: number;
}

/**
 * A temporary fault on some links (all when `links` is absent), active in
 * [from, until): extra one-way delay, extra loss, extra duplication, or
 * silence (every message the `silent` node sends is dropped).
 */
export interface Impairment {
  from: number;
  until: number;
  links?: readonly (readonly [string, string])[];
  /** Only messages sent by this node. */
  sender?: string;
  delay?: DistSpec;
  loss?: number;
  duplicate?: number;
  silent?: boolean;
}

/** A message between two nodes; `tokens` is its size, as counted by the accounting. */
export interface Message {
  id: number;
  from: string;
  to: string;
  kind: string;
  payload: unknown;
  tokens: number;
  sentAt: number;
}

/** Message accounting of one run. */
export interface NetworkStats {
  sent: number;
  delivered: number;
  dropped: number;
  duplicated: number;
  held: number;
  tokens_sent: number;
  tokens_delivered: number;
}

interface Link {
  stream: RandomStream;
  lastDelivery: number;
  latency: DistSpec;
  loss: number;
  duplicate: number;
}

/**
 * Simulated message channels between named nodes: per-link latency draws (each
 * link has its own random stream), loss, duplication, optional FIFO order,
 * partitions that drop or hold, and nodes that are down.
 */
export class Network {
  readonly stats: NetworkStats = {
    sent: 0,
    delivered: 0,
    dropped: 0,
    duplicated: 0,
    held: 0,
    tokens_sent: 0,
    tokens_delivered: 0,
  };
  private readonly handlers = new Map<string, (msg: Message) => void>();
  private readonly links = new Map<string, Link>();
  private readonly down = new Set<string>();
  private readonly impairments: Impairment[] = [];
  private groupOf: Map<string, number> | null = null;
  private heldMessages: Message[] = [];
  private nextId = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly rng: Rng,
    readonly config: NetworkConfig,
    private readonly trace: Trace,
  ) {}

  /** Registers the delivery handler of `node`. */
  register(node: string, handler: (msg: Message) => void): void {
    this.handlers.set(node, handler);
  }

  /** Sends a message; it is delivered after the link's latency unless lost, cut or the receiver is down. */
  send(from: string, to: string, kind: string, payload: unknown, tokens = 0): void {
    const msg: Message = {
      id: this.nextId++,
      from,
      to,
      kind,
      payload,
      tokens,
      sentAt: this.sim.now,
    };
    this.stats.sent++;
    this.stats.tokens_sent += tokens;
    if (this.trace.enabled) {
      this.trace.record({ t: this.sim.now, type: "send", id: msg.id, from, to, kind, tokens });
    }
    if (this.down.has(from)) {
      this.drop(msg, "sender_down");
      return;
    }
    if (this.isCut(from, to)) {
      this.cut(msg);
      return;
    }
    const link = this.link(from, to);
    // Draw loss and duplication on every send, lost or not, so that the number of
    // draws per message is fixed and later messages see the same randomness.
    let lost = link.stream.next() < link.loss;
    let dup = link.stream.next() < link.duplicate;
    let extra = 0;
    if (this.impairments.length > 0) {
      const now = this.sim.now;
      for (const imp of this.impairments) {
        if (now < imp.from || now >= imp.until || !matches(imp, from, to)) continue;
        if (imp.silent) {
          this.drop(msg, "silent");
          return;
        }
        if (imp.loss !== undefined && link.stream.next() < imp.loss) lost = true;
        if (imp.duplicate !== undefined && link.stream.next() < imp.duplicate) dup = true;
        if (imp.delay !== undefined) extra += Math.max(0, sample(link.stream, imp.delay));
      }
    }
    if (lost) {
      this.drop(msg, "loss");
      return;
    }
    this.transmit(msg, link, extra);
    if (dup) {
      this.stats.duplicated++;
      this.transmit(msg, link, extra);
    }
  }

  /** Adds a temporary fault on links (the fault plan's delay, loss, duplicate and Byzantine silence). */
  impair(impairment: Impairment): void {
    this.impairments.push(impairment);
  }

  /** Splits the nodes into groups that cannot reach each other; unlisted nodes form one more group. */
  partition(groups: readonly (readonly string[])[]): void {
    const groupOf = new Map<string, number>();
    groups.forEach((g, i) => {
      for (const node of g) groupOf.set(node, i);
    });
    this.groupOf = groupOf;
    if (this.trace.enabled) {
      this.trace.record({ t: this.sim.now, type: "partition", groups: groups.map((g) => [...g]) });
    }
  }

  /** Whether a partition is in force. */
  get partitioned(): boolean {
    return this.groupOf !== null;
  }

  /** Removes the partition; held messages are sent again with fresh latencies, in their original order. */
  heal(): void {
    this.groupOf = null;
    if (this.trace.enabled) this.trace.record({ t: this.sim.now, type: "heal" });
    const held = this.heldMessages;
    this.heldMessages = [];
    for (const msg of held) this.transmit(msg, this.link(msg.from, msg.to));
  }

  /** Whether a partition currently separates `a` from `b`. */
  isCut(a: string, b: string): boolean {
    const g = this.groupOf;
    if (g === null) return false;
    return (g.get(a) ?? -1) !== (g.get(b) ?? -1);
  }

  /** Marks a node down (messages to or from it are dropped) or up again. */
  setUp(node: string, up: boolean): void {
    if (up) this.down.delete(node);
    else this.down.add(node);
  }

  /** Whether `node` is up. */
  isUp(node: string): boolean {
    return !this.down.has(node);
  }

  private link(from: string, to: string): Link {
    const key = `${from}>${to}`;
    let link = this.links.get(key);
    if (link === undefined) {
      const c = this.config;
      link = {
        stream: this.rng.stream(`net/${key}`),
        lastDelivery: 0,
        latency: c.latency,
        loss: c.loss,
        duplicate: c.duplicate,
      };
      for (const o of c.links ?? []) {
        const [a, b] = o.between;
        if ((a === from && b === to) || (a === to && b === from)) {
          if (o.latency !== undefined) link.latency = o.latency;
          if (o.loss !== undefined) link.loss = o.loss;
          if (o.duplicate !== undefined) link.duplicate = o.duplicate;
        }
      }
      this.links.set(key, link);
    }
    return link;
  }

  private transmit(msg: Message, link: Link, extraDelay = 0): void {
    let at = this.sim.now + Math.max(0, sample(link.stream, link.latency)) + extraDelay;
    if (this.config.fifo) {
      // Equal times keep send order through the kernel's insertion-sequence tie break.
      if (at < link.lastDelivery) at = link.lastDelivery;
      link.lastDelivery = at;
    }
    this.sim.scheduleAt(at, () => this.arrive(msg));
  }

  private arrive(msg: Message): void {
    if (this.isCut(msg.from, msg.to)) {
      this.cut(msg);
      return;
    }
    if (this.down.has(msg.to)) {
      this.drop(msg, "receiver_down");
      return;
    }
    this.stats.delivered++;
    this.stats.tokens_delivered += msg.tokens;
    if (this.trace.enabled) {
      this.trace.record({
        t: this.sim.now,
        type: "deliver",
        id: msg.id,
        from: msg.from,
        to: msg.to,
        kind: msg.kind,
      });
    }
    const handler = this.handlers.get(msg.to);
    if (handler !== undefined) handler(msg);
  }

  private cut(msg: Message): void {
    if (this.config.partition_mode === "hold") {
      this.stats.held++;
      this.heldMessages.push(msg);
      if (this.trace.enabled) this.trace.record({ t: this.sim.now, type: "hold", id: msg.id });
    } else {
      this.drop(msg, "partition");
    }
  }

  private drop(msg: Message, reason: string): void {
    this.stats.dropped++;
    if (this.trace.enabled) {
      this.trace.record({
        t: this.sim.now,
        type: "drop",
        id: msg.id,
        from: msg.from,
        to: msg.to,
        reason,
      });
    }
  }
}

function matches(imp: Impairment, from: string, to: string): boolean {
  if (imp.sender !== undefined && imp.sender !== from) return false;
  if (imp.links === undefined) return true;
  return imp.links.some(([a, b]) => (a === from && b === to) || (a === to && b === from));
}
