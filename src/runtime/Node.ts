import type { CallHandle, CallRequest, CallResult, MockLLM } from "../agents/MockLLM.js";
import type { EventSink, SimEvent, Simulation } from "../core/Simulation.js";
import type { Trace } from "../core/Trace.js";
import type { Message, Network } from "../net/Network.js";
import { type Effect, PENDING, Process, type ProcessBody } from "./Process.js";

/** The payload type of every message kind a protocol uses. */
export type Messages = Record<string, unknown>;

/** A message handler: the payload, the sender, and the request id to pass to `reply` (0 if none). */
export type Handler<P, M extends Messages> = (payload: P, from: Node<M>, rpc: number) => void;

/** A message with its sender, as `receiveMessage` returns it. */
export interface Received<P, M extends Messages> {
  payload: P;
  from: Node<M>;
}

/** What a node needs from the world it lives in. */
export interface NodeHost {
  readonly sim: Simulation;
  readonly net: Network;
  readonly trace: Trace;
  /** The node called `name`. */
  nodeNamed(name: string): Node | undefined;
  /** The node with network number `netId`, if it is one of this system's. */
  nodeAt(netId: number): Node | undefined;
  /** The team members, in index order. */
  readonly members: readonly Node[];
  /** Resend interval of `sendReliably` (the timeout detector's timeout_s), or null: plain sends. */
  readonly retransmitS: number | null;
  /** Called after a node crashed (every timer, call and process of it already stopped). */
  crashed(node: Node): void;
  /** Called after a node recovered, to restart it from its durable state. */
  recovered(node: Node): void;
}

/** A pending timer; `cancel` is harmless once it has fired. */
export class Timer {
  /** @internal */ event: SimEvent | null = null;
  constructor(private readonly node: Node) {}
  /** Whether it is still due. */
  get pending(): boolean {
    return this.event !== null;
  }
  /** Cancels it if it has not fired. */
  cancel(): void {
    this.node.cancelTimer(this);
  }
}

/**
 * The wait of `Node.sleep`: one object that is both the effect and the sink of
 * its wake-up, because rounds of sleeping are the commonest wait (every gossip
 * agent every round) and closures and timers per wait cost more than the wait.
 * It is not one of the node's timers: only a process sleeps, and a crash kills
 * the process, which cancels the wait.
 */
class Sleep implements Effect, EventSink, Iterator<Effect, void, unknown> {
  // The wake-up's handle (Simulation.notify): slot and sequence number; -1: none pending.
  private slot = -1;
  private seq = -1;
  private process: Process | null = null;
  private yielded = false;
  constructor(
    private readonly sim: Simulation,
    private readonly dt: number,
    private readonly up: boolean,
  ) {}
  startFor(process: Process): void {
    // A down node runs no code; as with `after`, the wake-up never comes.
    if (!this.up) return;
    this.process = process;
    this.slot = this.sim.notify(this.dt, this, null);
    this.seq = this.sim.lastSeq;
  }
  // The general route (Process.step takes startFor): resumes through `resume`.
  private resume: ((value: unknown) => void) | null = null;
  start(resume: (value: unknown) => void): unknown {
    if (this.up) {
      this.resume = resume;
      this.slot = this.sim.notify(this.dt, this, null);
      this.seq = this.sim.lastSeq;
    }
    return PENDING;
  }
  cancel(): void {
    if (this.slot >= 0) this.sim.cancelSlot(this.slot, this.seq);
    this.slot = -1;
  }
  fire(): void {
    this.slot = -1;
    if (this.resume !== null) this.resume(undefined);
    else this.process?.resumeFrom(this, undefined);
  }
  // Its own one-step iterator, for `yield*`: a generator per wait would cost
  // more than the wait (the delegating generator passes these results through).
  [Symbol.iterator](): this {
    return this;
  }
  next(): IteratorResult<Effect, void> {
    if (this.yielded) return SLEPT;
    this.yielded = true;
    return { value: this, done: false };
  }
}

const SLEPT: IteratorReturnResult<void> = Object.freeze({ value: undefined, done: true });

// Request-reply correlation travels inside the payload, so the network stays
// protocol-agnostic; one class for both, so that delivery tests one `instanceof`.
class Envelope {
  constructor(
    readonly rpc: number,
    readonly body: unknown,
    readonly role: "request" | "reply" | "reliable",
  ) {}
}

/** The message kind of the runtime's acknowledgements of `sendReliably`. */
const ACK = "ack";
/** Size in tokens of an acknowledgement. */
const ACK_TOKENS = 4;
/** Copies of a reliable message sent at most (the first and the resends). */
const MAX_COPIES = 20;

interface Waiter {
  resume: (value: unknown) => void;
}

const DEAD_CALL: CallHandle = { cancel: () => false };

/** The message kind of failure-detector heartbeats (handled by the runtime, never by a protocol). */
export const HEARTBEAT = "heartbeat";

/**
 * One member of the simulated system (an agent, or an extra node such as a
 * coordinator): its identity, its model, its typed message handlers, its timers,
 * its processes and its calls in flight. A crash stops all of them at once and
 * takes its network endpoint down; a protocol never asks whether a node is alive,
 * because a crashed node runs no code.
 */
export class Node<M extends Messages = Messages> {
  // Stored untyped (every kind's payload type differs); `on` and `receive` type them.
  private readonly handlers = new Map<string, Handler<unknown, Messages>>();
  private readonly mailbox = new Map<string, Received<unknown, Messages>[]>();
  private readonly waiters = new Map<string, Waiter[]>();
  private readonly timers = new Set<Timer>();
  private readonly processes = new Set<Process>();
  private readonly rpcs = new Map<number, (reply: unknown, kind: string) => void>();
  private nextRpc = 1;
  private up = true;
  // Bumped by every crash: callbacks of calls made before it are dropped.
  private epoch = 0;
  // Reliable messages already handled, by sender (volatile: lost in a crash, like the handling).
  private readonly seen = new Map<Node, Set<number>>();
  /** Receives heartbeats (set by a timeout failure detector watching this node). */
  heartbeatSink: ((from: Node) => void) | null = null;

  constructor(
    /** Member index (0..n-1), or -1 for an extra node. */
    readonly index: number,
    readonly name: string,
    /** Its language model (null for an extra node that only counts and forwards). */
    readonly model: MockLLM | null,
    private readonly host: NodeHost,
  ) {
    this.netId = host.net.register(name, (msg) => this.deliver(msg));
  }

  /** Its number in the network (sends go by number; names are for the edges). */
  readonly netId: number;

  /** Whether the node is up (for the harness and the metrics; protocols never need it). */
  get isUp(): boolean {
    return this.up;
  }

  /** Current simulated time. */
  get now(): number {
    return this.host.sim.now;
  }

  /** The node's model; throws for an extra node, which has none. */
  get llm(): MockLLM {
    if (this.model === null) throw new Error(`${this.name} has no model`);
    return this.model;
  }

  /** Handles every message of `kind` with `handler` (instead of the mailbox). */
  on<K extends keyof M & string>(kind: K, handler: Handler<M[K], M>): void {
    this.handlers.set(kind, handler as Handler<unknown, Messages>);
  }

  /** Sends a message; to itself it is delivered locally, free and uncounted (a note, not coordination). */
  send<K extends keyof M & string>(to: Node<M>, kind: K, payload: M[K], tokens = 0): void {
    if (!this.up) return;
    if (to === this) {
      const epoch = this.epoch;
      this.host.sim.schedule(0, () => {
        if (this.epoch === epoch) this.dispatch(kind, payload, this, 0);
      });
      return;
    }
    this.host.net.sendById(this.netId, to.netId, kind, payload, tokens);
  }

  /** Sends the same message to every other team member (or to `to`), in index order. */
  broadcast<K extends keyof M & string>(
    kind: K,
    payload: M[K],
    tokens = 0,
    to: readonly Node<M>[] = this.host.members as readonly Node<M>[],
    reliably = false,
  ): void {
    for (const peer of to) {
      if (peer === this) continue;
      if (reliably) this.sendReliably(peer, kind, payload, tokens);
      else this.send(peer, kind, payload, tokens);
    }
  }

  /**
   * Sends so that the message arrives, once. Under a timeout failure detector
   * (where protocols must not lose work to message loss) it is resent every
   * `timeout_s` until the receiver acknowledges it (at most 20 copies), and the
   * receiver handles only the first copy; under the perfect detector it is a
   * plain `send` (that model's documented semantics: a lost message is lost).
   */
  sendReliably<K extends keyof M & string>(to: Node<M>, kind: K, payload: M[K], tokens = 0): void {
    const every = this.host.retransmitS;
    if (every === null || to === this) {
      this.send(to, kind, payload, tokens);
      return;
    }
    if (!this.up) return;
    const id = this.nextRpc++;
    const copy = new Envelope(id, payload, "reliable");
    let copies = 1;
    const timer = this.every(every, () => {
      if (++copies >= MAX_COPIES) timer.cancel();
      this.host.net.sendById(this.netId, to.netId, kind, copy, tokens);
    });
    this.rpcs.set(id, () => {
      timer.cancel();
      this.rpcs.delete(id);
    });
    this.host.net.sendById(this.netId, to.netId, kind, copy, tokens);
  }

  /** Sends a request; `onReply` gets the payload of the reply (of kind `replyKind`), or null after `timeoutS` without one. */
  rpc<K extends keyof M & string, R extends keyof M & string>(
    to: Node<M>,
    kind: K,
    payload: M[K],
    tokens: number,
    timeoutS: number,
    replyKind: R,
    onReply: (reply: M[R] | null) => void,
  ): void {
    if (!this.up) return;
    const id = this.nextRpc++;
    const timer = this.after(timeoutS, () => {
      this.rpcs.delete(id);
      onReply(null);
    });
    this.rpcs.set(id, (reply, kind) => {
      if (kind !== replyKind) return;
      timer.cancel();
      this.rpcs.delete(id);
      onReply(reply as M[R]);
    });
    this.host.net.sendById(
      this.netId,
      to.netId,
      kind,
      new Envelope(id, payload, "request"),
      tokens,
    );
  }

  /** Answers request `rpc` (from a handler's third argument) with a message of `kind`. */
  reply<K extends keyof M & string>(
    to: Node<M>,
    rpc: number,
    kind: K,
    payload: M[K],
    tokens = 0,
  ): void {
    if (!this.up) return;
    this.host.net.sendById(this.netId, to.netId, kind, new Envelope(rpc, payload, "reply"), tokens);
  }

  /** Runs `fn` after `dt` seconds unless the node crashes first. */
  after(dt: number, fn: () => void): Timer {
    const timer = new Timer(this);
    if (!this.up) return timer;
    this.timers.add(timer);
    timer.event = this.host.sim.schedule(dt, () => {
      timer.event = null;
      this.timers.delete(timer);
      fn();
    });
    return timer;
  }

  /** Runs `fn` every `dt` seconds (first after `dt`) until cancelled or the node crashes. */
  every(dt: number, fn: () => void): Timer {
    const timer = new Timer(this);
    if (!this.up) return timer;
    this.timers.add(timer);
    const tick = () => {
      timer.event = this.host.sim.schedule(dt, () => {
        tick();
        fn();
      });
    };
    tick();
    return timer;
  }

  /** @internal Cancels `timer` (use `timer.cancel()`). */
  cancelTimer(timer: Timer): void {
    if (timer.event === null) return;
    this.host.sim.cancel(timer.event);
    timer.event = null;
    this.timers.delete(timer);
  }

  /** Calls the node's model; `done` runs when it returns, unless the node crashed meanwhile. */
  call(request: CallRequest): ProcessBody<CallResult>;
  call(request: CallRequest, done: (r: CallResult) => void): CallHandle;
  call(request: CallRequest, done?: (r: CallResult) => void): CallHandle | ProcessBody<CallResult> {
    if (done === undefined) return this.callProcess(request);
    // A down node runs no code: the call is never made and never answers.
    if (!this.up) return DEAD_CALL;
    const epoch = this.epoch;
    return this.llm.call(request, (r) => {
      if (this.epoch === epoch) done(r);
    });
  }

  private *callProcess(request: CallRequest): ProcessBody<CallResult> {
    let handle: CallHandle | null = null;
    const effect: Effect = {
      start: (resume) => {
        handle = this.call(request, resume);
        return PENDING;
      },
      cancel: () => handle?.cancel(),
    };
    return (yield effect) as CallResult;
  }

  /** Waits `dt` seconds (`yield* node.sleep(dt)` in a process). */
  sleep(dt: number): Iterable<Effect, void, unknown> {
    return new Sleep(this.host.sim, dt, this.up);
  }

  /** Waits for the next message of `kind` (one without a handler) and returns its payload. */
  receive<K extends keyof M & string>(kind: K): ProcessBody<M[K]>;
  /** Waits at most `timeoutS` for a message of `kind`: its payload, or null on timeout. */
  receive<K extends keyof M & string>(kind: K, timeoutS: number): ProcessBody<M[K] | null>;
  *receive<K extends keyof M & string>(kind: K, timeoutS?: number): ProcessBody<M[K] | null> {
    const r = yield* this.receiveMessage(kind, timeoutS);
    return r === null ? null : r.payload;
  }

  /** Like `receive`, with the sender. */
  *receiveMessage<K extends keyof M & string>(
    kind: K,
    timeoutS?: number,
  ): ProcessBody<Received<M[K], M> | null> {
    let timer: Timer | null = null;
    let waiter: Waiter | null = null;
    const effect: Effect = {
      start: (resume) => {
        const queued = this.mailbox.get(kind);
        if (queued !== undefined && queued.length > 0) return queued.shift();
        waiter = { resume };
        let list = this.waiters.get(kind);
        if (list === undefined) {
          list = [];
          this.waiters.set(kind, list);
        }
        list.push(waiter);
        if (timeoutS !== undefined) {
          timer = this.after(timeoutS, () => {
            this.removeWaiter(kind, waiter);
            resume(null);
          });
        }
        return PENDING;
      },
      cancel: () => {
        timer?.cancel();
        this.removeWaiter(kind, waiter);
      },
    };
    const r = (yield effect) as Received<M[K], M> | null;
    (timer as Timer | null)?.cancel();
    return r;
  }

  /** Starts a process on this node; it dies with the node. */
  spawn(body: ProcessBody<unknown>): Process {
    const p = new Process(body, (done) => this.processes.delete(done));
    if (!this.up) return p;
    this.processes.add(p);
    p.start();
    return p;
  }

  /** Runs `fn` now, unless the node is down (it runs no code): e.g. a callback-style protocol's start. */
  run(fn: () => void): void {
    if (this.up) fn();
  }

  /** Crashes the node: processes, timers, calls in flight and mailbox are gone; its endpoint is down. */
  crash(): void {
    if (!this.up) return;
    this.up = false;
    this.epoch++;
    // The model first: its calls in flight fail as "crashed" (and are counted so);
    // the bumped epoch keeps their callbacks from running.
    if (this.model !== null) this.model.crash();
    else if (this.host.trace.enabled)
      this.host.trace.record({ t: this.now, type: "crash", agent: this.name });
    for (const t of [...this.timers]) this.cancelTimer(t);
    for (const p of [...this.processes]) p.kill();
    this.mailbox.clear();
    this.waiters.clear();
    this.rpcs.clear();
    this.seen.clear();
    this.host.net.setUp(this.name, false);
    this.host.crashed(this);
  }

  /** Brings the node back; the protocol restarts it from its durable state. */
  recover(): void {
    if (this.up) return;
    this.up = true;
    this.host.net.setUp(this.name, true);
    if (this.model !== null) this.model.recover();
    else if (this.host.trace.enabled)
      this.host.trace.record({ t: this.now, type: "recover", agent: this.name });
    this.host.recovered(this);
  }

  private removeWaiter(kind: string, waiter: Waiter | null): void {
    const list = this.waiters.get(kind);
    if (list === undefined || waiter === null) return;
    const i = list.indexOf(waiter);
    if (i >= 0) list.splice(i, 1);
  }

  private deliver(msg: Message): void {
    const from = this.host.nodeAt(msg.fromId);
    if (from === undefined) return;
    const payload = msg.payload;
    if (payload instanceof Envelope) {
      if (payload.role === "reply") this.rpcs.get(payload.rpc)?.(payload.body, msg.kind);
      else if (payload.role === "request") this.dispatch(msg.kind, payload.body, from, payload.rpc);
      else this.receiveReliably(msg.kind, payload, from);
    } else if (msg.kind === HEARTBEAT) {
      this.heartbeatSink?.(from);
    } else {
      this.dispatch(msg.kind, payload, from, 0);
    }
  }

  // Acknowledges every copy (an earlier acknowledgement may have been lost), handles the first.
  private receiveReliably(kind: string, env: Envelope, from: Node): void {
    this.host.net.sendById(
      this.netId,
      from.netId,
      ACK,
      new Envelope(env.rpc, null, "reply"),
      ACK_TOKENS,
    );
    let seen = this.seen.get(from);
    if (seen === undefined) {
      seen = new Set();
      this.seen.set(from, seen);
    }
    if (seen.has(env.rpc)) return;
    seen.add(env.rpc);
    this.dispatch(kind, env.body, from, 0);
  }

  private dispatch(kind: string, payload: unknown, from: Node, rpc: number): void {
    const handler = this.handlers.get(kind);
    if (handler !== undefined) {
      handler(payload, from, rpc);
      return;
    }
    const waiting = this.waiters.get(kind);
    if (waiting !== undefined && waiting.length > 0) {
      const w = waiting.shift() as Waiter;
      w.resume({ payload, from });
      return;
    }
    let queued = this.mailbox.get(kind);
    if (queued === undefined) {
      queued = [];
      this.mailbox.set(kind, queued);
    }
    queued.push({ payload, from });
  }
}
