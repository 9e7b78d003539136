import { type DistSpec, sample } from "../core/Distribution.js";
import type { Rng } from "../core/Rng.js";
import type { EventSink, Simulation } from "../core/Simulation.js";
import { StreamTable } from "../core/StreamTable.js";
import type { Trace } from "../core/Trace.js";
import { payloadSummary } from "./payloadSummary.js";

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

/**
 * A message between two nodes; `tokens` is its size, as counted by the
 * accounting. `fromId` and `toId` are the nodes' numbers in this network
 * (names are for the edges: scenario, trace, output).
 */
export interface Message {
  id: number;
  from: string;
  to: string;
  fromId: number;
  toId: number;
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

/** A link's latency, loss and duplication (shared by every link without an override). */
interface LinkParams {
  latency: DistSpec;
  loss: number;
  duplicate: number;
}

const NO_NODE = -1;

/**
 * Simulated message channels between named nodes: per-link latency draws (each
 * directed link has its own random stream), loss, duplication, optional FIFO
 * order, partitions that drop or hold, and nodes that are down.
 *
 * Inside, nodes are numbers and a link is a slot: its random stream is 16
 * bytes in a StreamTable, its FIFO horizon a Float64Array entry, both created
 * when the link first carries a message, and a message in flight is the
 * message object alone (posted to the kernel with the network as its sink).
 * A message used to cost a string key, a Map lookup, a closure and an alea
 * generator per link, 30 times a kernel event (issue 14).
 */
export class Network implements EventSink {
  readonly stats: NetworkStats = {
    sent: 0,
    delivered: 0,
    dropped: 0,
    duplicated: 0,
    held: 0,
    tokens_sent: 0,
    tokens_delivered: 0,
  };
  private readonly ids = new Map<string, number>();
  private readonly names: string[] = [];
  private readonly handlers: (((msg: Message) => void) | undefined)[] = [];
  private down = new Uint8Array(16);
  /** Each node's partition group (-1: unlisted), while a partition is in force. */
  private groupOf: Int32Array | null = null;
  /** Per sender, its links' slots by receiver. */
  private readonly linksFrom: (Map<number, number> | undefined)[] = [];
  private readonly streams: StreamTable;
  private lastDelivery = new Float64Array(16);
  private readonly params: LinkParams[] = [];
  private readonly defaults: LinkParams;
  private readonly overridden: ReadonlySet<string>;
  private readonly impairments: Impairment[] = [];
  private heldMessages: Message[] = [];
  private nextId = 0;

  constructor(
    private readonly sim: Simulation,
    rng: Rng,
    readonly config: NetworkConfig,
    private readonly trace: Trace,
  ) {
    this.streams = new StreamTable(rng.seed);
    this.defaults = { latency: config.latency, loss: config.loss, duplicate: config.duplicate };
    this.overridden = new Set((config.links ?? []).flatMap((o) => o.between));
  }

  /** Registers the delivery handler of `node`; returns its number in this network. */
  register(node: string, handler: (msg: Message) => void): number {
    const id = this.idOf(node);
    this.handlers[id] = handler;
    return id;
  }

  /** The number of `node` in this network (a name seen for the first time gets the next one). */
  idOf(node: string): number {
    let id = this.ids.get(node);
    if (id === undefined) {
      id = this.names.length;
      this.ids.set(node, id);
      this.names.push(node);
      this.handlers.push(undefined);
      this.linksFrom.push(undefined);
      if (id >= this.down.length) {
        const down = new Uint8Array(this.down.length * 2);
        down.set(this.down);
        this.down = down;
      }
      if (this.groupOf !== null && id >= this.groupOf.length) {
        const g = new Int32Array(Math.max(16, this.names.length * 2)).fill(NO_NODE);
        g.set(this.groupOf);
        this.groupOf = g;
      }
    }
    return id;
  }

  /** Sends a message; it is delivered after the link's latency unless lost, cut or the receiver is down. */
  send(from: string, to: string, kind: string, payload: unknown, tokens = 0): void {
    this.sendById(this.idOf(from), this.idOf(to), kind, payload, tokens);
  }

  /** `send` between node numbers (from `register` or `idOf`): the fast path. */
  sendById(fromId: number, toId: number, kind: string, payload: unknown, tokens = 0): void {
    const from = this.names[fromId];
    const to = this.names[toId];
    const msg: Message = {
      id: this.nextId++,
      from,
      to,
      fromId,
      toId,
      kind,
      payload,
      tokens,
      sentAt: this.sim.now,
    };
    this.stats.sent++;
    this.stats.tokens_sent += tokens;
    if (this.trace.enabled) {
      this.trace.record({
        t: this.sim.now,
        type: "send",
        id: msg.id,
        from,
        to,
        kind,
        tokens,
        payload: payloadSummary(payload),
      });
    }
    if (this.down[fromId] === 1) {
      this.drop(msg, "sender_down");
      return;
    }
    if (this.cutById(fromId, toId)) {
      this.cut(msg);
      return;
    }
    const slot = this.link(fromId, toId);
    const p = this.params[slot];
    const stream = this.streams.select(slot);
    // Draw loss and duplication on every send, lost or not, so that the number of
    // draws per message is fixed and later messages see the same randomness.
    let lost = stream.next() < p.loss;
    let dup = stream.next() < p.duplicate;
    let extra = 0;
    if (this.impairments.length > 0) {
      const now = this.sim.now;
      for (const imp of this.impairments) {
        if (now < imp.from || now >= imp.until || !matches(imp, from, to)) continue;
        if (imp.silent) {
          this.drop(msg, "silent");
          return;
        }
        if (imp.loss !== undefined && stream.next() < imp.loss) lost = true;
        if (imp.duplicate !== undefined && stream.next() < imp.duplicate) dup = true;
        if (imp.delay !== undefined) extra += Math.max(0, sample(stream, imp.delay));
      }
    }
    if (lost) {
      this.drop(msg, "loss");
      return;
    }
    this.transmit(msg, slot, extra);
    if (dup) {
      this.stats.duplicated++;
      this.transmit(msg, slot, extra);
    }
  }

  /** Adds a temporary fault on links (the fault plan's delay, loss, duplicate and Byzantine silence). */
  impair(impairment: Impairment): void {
    this.impairments.push(impairment);
  }

  /** Splits the nodes into groups that cannot reach each other; unlisted nodes form one more group. */
  partition(groups: readonly (readonly string[])[]): void {
    for (const g of groups) for (const node of g) this.idOf(node);
    const groupOf = new Int32Array(Math.max(16, this.names.length)).fill(NO_NODE);
    groups.forEach((g, i) => {
      for (const node of g) groupOf[this.idOf(node)] = i;
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
    for (const msg of held) this.transmit(msg, this.link(msg.fromId, msg.toId));
  }

  /** Whether a partition currently separates `a` from `b`. */
  isCut(a: string, b: string): boolean {
    return this.groupOf !== null && this.cutById(this.idOf(a), this.idOf(b));
  }

  /** Marks a node down (messages to or from it are dropped) or up again. */
  setUp(node: string, up: boolean): void {
    this.down[this.idOf(node)] = up ? 0 : 1;
  }

  /** Whether `node` is up. */
  isUp(node: string): boolean {
    const id = this.ids.get(node);
    return id === undefined || this.down[id] === 0;
  }

  /** Number of directed links that have carried a message (each holds a random stream). */
  get linkCount(): number {
    return this.streams.size;
  }

  /** @internal The kernel's delivery of a message in flight (see Simulation.post). */
  fire(item: unknown): void {
    this.arrive(item as Message);
  }

  private cutById(a: number, b: number): boolean {
    const g = this.groupOf;
    return g !== null && g[a] !== g[b];
  }

  // The slot of the link from -> to, opened (stream, parameters) on first use.
  private link(fromId: number, toId: number): number {
    let out = this.linksFrom[fromId];
    if (out === undefined) {
      out = new Map();
      this.linksFrom[fromId] = out;
    }
    let slot = out.get(toId);
    if (slot === undefined) {
      const from = this.names[fromId];
      const to = this.names[toId];
      // The stream's name is the one the link's alea stream had: net/from>to.
      slot = this.streams.open(`net/${from}>${to}`);
      out.set(toId, slot);
      if (slot >= this.lastDelivery.length) {
        const grown = new Float64Array(this.lastDelivery.length * 2);
        grown.set(this.lastDelivery);
        this.lastDelivery = grown;
      }
      this.lastDelivery[slot] = 0;
      this.params.push(this.paramsOf(from, to));
    }
    return slot;
  }

  private paramsOf(from: string, to: string): LinkParams {
    if (!this.overridden.has(from) || !this.overridden.has(to)) return this.defaults;
    const p = { ...this.defaults };
    for (const o of this.config.links ?? []) {
      const [a, b] = o.between;
      if ((a === from && b === to) || (a === to && b === from)) {
        if (o.latency !== undefined) p.latency = o.latency;
        if (o.loss !== undefined) p.loss = o.loss;
        if (o.duplicate !== undefined) p.duplicate = o.duplicate;
      }
    }
    return p;
  }

  private transmit(msg: Message, slot: number, extraDelay = 0): void {
    const stream = this.streams.select(slot);
    let at = this.sim.now + Math.max(0, sample(stream, this.params[slot].latency)) + extraDelay;
    if (this.config.fifo) {
      // Equal times keep send order through the kernel's insertion-sequence tie break.
      const last = this.lastDelivery[slot];
      if (at < last) at = last;
      this.lastDelivery[slot] = at;
    }
    this.sim.post(at, this, msg);
  }

  private arrive(msg: Message): void {
    if (this.groupOf !== null && this.cutById(msg.fromId, msg.toId)) {
      this.cut(msg);
      return;
    }
    if (this.down[msg.toId] === 1) {
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
    const handler = this.handlers[msg.toId];
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
