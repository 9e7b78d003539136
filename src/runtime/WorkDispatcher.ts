import type { WorkGraph } from "../tasks/WorkGraph.js";
import type { FailureDetector } from "./FailureDetector.js";
import type { Node } from "./Node.js";
import { once } from "./once.js";
import type { Runtime } from "./Runtime.js";

/** Size of a control message (an assignment, a notification, a summary). */
export const CONTROL_TOKENS = 100;

/** A worker's result; the message is as large as the output (`tokens`). */
export interface WorkResult {
  subtask: number;
  correct: boolean;
  tokens: number;
}

/** The messages between a work-graph leader and its workers. */
export type WorkMessages = {
  /** Do `subtask` (in topological order with the others) once cleared; `cleared`: it is already. */
  assign: { subtask: number; cleared: boolean };
  /** The dependencies of an assigned subtask are done. */
  go: { subtask: number };
  result: WorkResult;
};

// A subtask's state at its leader.
export const WAITING = 0;
export const READY = 1;
export const RUNNING = 2;
export const REVIEWING = 3;
export const ACCEPTED = 4;

const positions = new WeakMap<WorkGraph, number[]>();

/** Inserts `s` into `list`, kept in the graph's topological order. */
export function insertInOrder(list: number[], s: number, graph: WorkGraph): void {
  let position = positions.get(graph);
  if (position === undefined) {
    const p: number[] = [];
    graph.order.forEach((t, k) => {
      p[t] = k;
    });
    positions.set(graph, (position = p));
  }
  let k = list.length;
  while (k > 0 && position[list[k - 1]] > position[s]) k--;
  list.splice(k, 0, s);
}

/**
 * A leader's ready queue over its part of a work graph (its `scope`): a subtask
 * is ready once its dependencies are done, and an idle worker gets the next
 * ready one in topological order. When the leader's failure detector suspects a
 * worker, its subtask goes back in line; a worker trusted again rejoins and
 * takes new ones; with no worker left the leader works itself. The leader reacts
 * to its detector as a step of its own, so a leader that is down reacts to nothing.
 * Durable: which subtasks the leader knows are done, and whether its plan is out;
 * `restart` rebuilds the rest after the leader recovers.
 */
export class WorkDispatcher {
  /** Each subtask's state (WAITING ... ACCEPTED); undefined outside the scope. */
  readonly status: number[] = [];
  /** Workers taking subtasks, in index order (the leader alone when none is left). */
  pool: Node<WorkMessages>[] = [];
  /** Called after a worker was lost (its subtask back in line) or rejoined; default: dispatch. */
  onWorkers: (worker: Node<WorkMessages>, lost: boolean) => void = () => this.dispatch();
  private readonly detector: FailureDetector;
  private readonly inScope: ReadonlySet<number>;
  private readonly known = new Set<number>();
  private planned = false;
  /** Dependencies of each subtask not known done. */
  private readonly remaining: number[] = [];
  private queue: number[] = [];
  private readonly running = new Map<Node<WorkMessages>, number>();
  private left = 0;

  constructor(
    private readonly rt: Runtime,
    private readonly leader: Node<WorkMessages>,
    private readonly workers: readonly Node<WorkMessages>[],
    /** The subtasks it hands out, in topological order. */
    private readonly scope: readonly number[],
    /**
     * dynamic: an idle worker gets the next ready subtask as soon as there is one;
     * rounds: ready subtasks queue, the leader hands them out (`next`, `give`);
     * owned: they do not queue, the leader hands them out by its own rule.
     */
    private readonly mode: "dynamic" | "rounds" | "owned" = "dynamic",
  ) {
    this.inScope = new Set(scope);
    this.detector = rt.detector(leader, workers);
    this.detector.onChange((node, suspected) =>
      leader.after(0, () => {
        const w = workers.find((x) => x === node);
        if (w !== undefined && (suspected ? this.lose(w) : this.rejoin(w)))
          this.onWorkers(w, suspected);
      }),
    );
    this.restart();
  }

  /** Whether every subtask of the scope is done. */
  get finished(): boolean {
    return this.left === 0;
  }

  /** Handles each worker's result once with `handler`. */
  onResult(handler: (worker: Node<WorkMessages>, r: WorkResult) => void): void {
    this.leader.on(
      "result",
      once((r, from) => handler(from, r)),
    );
  }

  /** Accepts every result still waited for, with no review: done, `then`, next assignments. */
  acceptAll(then: (r: WorkResult) => void): void {
    this.onResult((w, r) => {
      if (this.take(w, r.subtask)) {
        this.done(r.subtask);
        then(r);
      }
      this.dispatch();
    });
  }

  /** Rebuilds the volatile state from what the leader knows is done (after it recovered). */
  restart(): void {
    this.queue = [];
    this.running.clear();
    const up = this.workers.filter((w) => !this.detector.suspects(w));
    this.pool = up.length > 0 ? up : [this.leader];
    this.left = 0;
    const graph = this.rt.workGraph;
    for (const s of this.scope) {
      const done = this.known.has(s);
      this.status[s] = done ? ACCEPTED : WAITING;
      if (!done) this.left++;
      this.remaining[s] = graph.subtasks[s].deps.filter((d) => !this.known.has(d)).length;
    }
  }

  /** The plan is out: every subtask whose dependencies are done becomes ready (dynamic: handed out). */
  open(): void {
    this.planned = true;
    for (const s of this.scope) {
      if (this.status[s] === WAITING && this.remaining[s] === 0) this.ready(s);
    }
    this.dispatch();
  }

  /** Whether the plan is out. */
  get isOpen(): boolean {
    return this.planned;
  }

  /** `s` is ready (again): in line by topological position, unless owned. */
  ready(s: number): void {
    this.status[s] = READY;
    if (this.mode !== "owned") insertInOrder(this.queue, s, this.rt.workGraph);
  }

  /** Dynamic: every idle worker gets the next ready subtask. */
  dispatch(): void {
    if (!this.planned || this.mode !== "dynamic") return;
    for (const w of this.pool) {
      if (this.queue.length === 0) return;
      if (!this.running.has(w)) this.give(w, this.queue.shift() as number);
    }
  }

  /** The next ready subtask, out of the queue (-1: none). */
  next(): number {
    return this.queue.shift() ?? -1;
  }

  /** `w` does `s` now. */
  give(w: Node<WorkMessages>, s: number): void {
    this.running.set(w, s);
    this.status[s] = RUNNING;
    this.leader.sendReliably(w, "assign", { subtask: s, cleared: true }, CONTROL_TOKENS);
  }

  /**
   * A result for `s` from `w`: true if the leader still waits for it. A copy
   * that arrives after someone else's (the subtask went to another worker when
   * `w` was suspected) is thrown away as rework.
   */
  take(w: Node<WorkMessages>, s: number): boolean {
    if (this.running.get(w) === s) this.running.delete(w);
    if (this.status[s] !== RUNNING && this.status[s] !== READY) {
      this.rt.counters.rework++;
      return false;
    }
    const k = this.queue.indexOf(s);
    if (k >= 0) this.queue.splice(k, 1);
    return true;
  }

  /** `s` is done (accepted here or heard of): returns the subtasks of the scope it makes ready. */
  done(s: number): number[] {
    if (this.known.has(s)) return [];
    this.known.add(s);
    const ready: number[] = [];
    if (this.inScope.has(s)) {
      this.status[s] = ACCEPTED;
      this.left--;
    }
    for (const d of this.rt.workGraph.dependents[s]) {
      if (this.status[d] !== WAITING || --this.remaining[d] > 0) continue;
      this.ready(d);
      ready.push(d);
    }
    // Heartbeats (under a timeout detector) would keep the run from quiescence.
    if (this.left === 0) this.detector.stop();
    return ready;
  }

  private lose(w: Node<WorkMessages>): boolean {
    if (!this.pool.includes(w)) return false;
    this.pool = this.pool.filter((x) => x !== w);
    if (this.pool.length === 0) this.pool = [this.leader];
    const lost = this.running.get(w);
    this.running.delete(w);
    if (lost !== undefined && this.status[lost] === RUNNING) this.ready(lost);
    return true;
  }

  private rejoin(w: Node<WorkMessages>): boolean {
    if (this.pool.includes(w)) return false;
    this.pool = this.workers.filter((x) => x === w || this.pool.includes(x));
    return true;
  }
}
