/**
 * What a process waits for. `start` either returns the value at once (a message
 * already in the mailbox) or returns PENDING and later calls `resume` exactly
 * once, never from inside `start`; `cancel` drops the wait (the process was killed).
 */
export interface Effect {
  start(resume: (value: unknown) => void): unknown;
  cancel(): void;
  /**
   * Optional, and used instead of `start` when present: starts a wait that is
   * always pending and resumes it with `process.resumeFrom(this, value)`. The
   * commonest waits (sleeps) use it to need no closure per wait.
   */
  startFor?(process: Process): void;
}

/** Returned by `Effect.start` when the value comes later. */
export const PENDING: unique symbol = Symbol("pending");

/** A process body: a generator that yields effects and receives their values. */
export type ProcessBody<T = void> = Generator<Effect, T, unknown>;

/**
 * A sequential piece of protocol logic driven by the simulation clock (SimPy's
 * processes). The kernel stays synchronous: a process is resumed by the callback
 * of the effect it waits on, in the same event, never through promises (which
 * would run after `Simulation.run` returns).
 */
export class Process {
  private waiting: Effect | null = null;
  private done = false;

  constructor(
    private readonly body: ProcessBody<unknown>,
    private readonly onExit: (p: Process) => void,
  ) {}

  /** Whether the process has returned or was killed. */
  get finished(): boolean {
    return this.done;
  }

  /** Runs the body until it waits on something. */
  start(): void {
    this.step(undefined);
  }

  /** Stops the process where it waits: its wait is cancelled and its `finally` blocks run. */
  kill(): void {
    if (this.done) return;
    this.done = true;
    const w = this.waiting;
    this.waiting = null;
    if (w !== null) w.cancel();
    this.body.return(undefined);
    this.onExit(this);
  }

  /** Resumes the process with `value` if it still waits on `effect` (see `Effect.startFor`). */
  resumeFrom(effect: Effect, value: unknown): void {
    if (this.waiting !== effect) return;
    this.waiting = null;
    this.step(value);
  }

  private step(input: unknown): void {
    let value = input;
    // A trampoline: effects that are ready at once feed the body without recursion.
    for (;;) {
      const r = this.body.next(value);
      if (r.done) {
        this.done = true;
        this.onExit(this);
        return;
      }
      const effect = r.value;
      if (effect.startFor !== undefined) {
        this.waiting = effect;
        effect.startFor(this);
        return;
      }
      const now = effect.start((v) => {
        if (this.waiting !== effect) return;
        this.waiting = null;
        this.step(v);
      });
      if (now === PENDING) {
        this.waiting = effect;
        return;
      }
      value = now;
    }
  }
}
