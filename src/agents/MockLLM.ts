import { type DistSpec, sample } from "../core/Distribution.js";
import type { RandomStream, Rng } from "../core/Rng.js";
import type { SimEvent, Simulation } from "../core/Simulation.js";
import type { Trace } from "../core/Trace.js";
import type { ItemErrors } from "../tasks/modelErrors.js";
import { correctProbability } from "./correctProbability.js";
import type { ModelProfile } from "./ModelProfile.js";
import type { RateLimiter } from "./RateLimiter.js";

/** What an agent is asked: a prompt of `inputTokens`, optionally a question to answer. */
export interface CallRequest {
  inputTokens: number;
  /** Probability that the reference agent answers right; omit for calls that answer nothing. */
  pRef?: number;
  /** Number of answer options (the right one is 0; wrong ones are 1..choices-1). */
  choices?: number;
  /** Fixes the output length instead of drawing it from the profile. */
  outputTokens?: number;
  /** A label for the trace (e.g. the item index). */
  label?: string | number;
}

/** Returned by `call`: lets the caller abandon a call in flight. */
export interface CallHandle {
  /** Aborts the call if it has not returned; returns false otherwise. */
  cancel(): boolean;
}

/** Why a call produced no answer. */
export type CallError = "crashed" | "retries_exhausted" | "context_overflow";

/** The outcome of one call, as seen by its caller. */
export interface CallResult {
  ok: boolean;
  error?: CallError;
  /** The chosen answer (0 = right), or -1 when the call failed or answered nothing. */
  answer: number;
  correct: boolean;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** From the call to its result, retries and backoff included. */
  latencyS: number;
  attempts: number;
  straggler: boolean;
}

/** Running totals of an agent's calls; the run's metrics sum them. */
export interface AgentCounters {
  calls: number;
  attempts: number;
  retries: number;
  failedCalls: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  stragglers: number;
  /** Calls abandoned by their caller before they returned (not billed). */
  cancelledCalls: number;
  /** Attempts refused by the provider's rate limit (429). */
  rateLimited: number;
  /** Seconds spent in calls (successful or not): the agent's busy time. */
  busyS: number;
}

/** Receives every finished call's latency (for pooled latency quantiles). */
export type LatencySink = (latencyS: number) => void;

interface Pending {
  request: CallRequest;
  done: (r: CallResult) => void;
  start: number;
  attempts: number;
  event: SimEvent | null;
}

/**
 * A mock LLM: a model profile turned into a stochastic process on the simulation
 * clock. Each agent draws from its own named streams (`agent/<i>/...`), so adding
 * an agent never changes another agent's draws.
 */
export class MockLLM {
  readonly counters: AgentCounters = {
    calls: 0,
    attempts: 0,
    retries: 0,
    failedCalls: 0,
    inputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
    stragglers: 0,
    cancelledCalls: 0,
    rateLimited: 0,
    busyS: 0,
  };
  private alive = true;
  private readonly latencyRng: RandomStream;
  private readonly tokenRng: RandomStream;
  private readonly answerRng: RandomStream;
  private readonly errorRng: RandomStream;
  private readonly crashRng: RandomStream;
  private readonly slowdownRng: RandomStream;
  private slowdown: DistSpec | null = null;
  private limiter: RateLimiter | null = null;
  /** A Byzantine "always-wrong" agent: every answer it gives is wrong. */
  alwaysWrong = false;
  /** Its model's item-level errors (shared with its copies), or null: see tasks/modelErrors. */
  itemErrors: ItemErrors | null = null;
  private readonly pending = new Set<Pending>();
  crashes = 0;

  constructor(
    readonly id: string,
    readonly index: number,
    readonly profile: ModelProfile,
    private readonly sim: Simulation,
    rng: Rng,
    private readonly trace: Trace,
    private readonly latencySink: LatencySink = () => {},
  ) {
    // Its own streams (Rng.own): no one else draws from agent/<i>/latency and the like.
    const base = `agent/${index}`;
    this.latencyRng = rng.own(`${base}/latency`);
    this.tokenRng = rng.own(`${base}/tokens`);
    this.answerRng = rng.own(`${base}/answer`);
    this.errorRng = rng.own(`${base}/errors`);
    this.crashRng = rng.own(`${base}/crash`);
    // Its own stream, so a straggler window does not shift the agent's other draws.
    this.slowdownRng = rng.own(`${base}/slowdown`);
  }

  /**
   * Schedules the profile's random crash (if it has a crash rate); call once at
   * the start of a run. `crash` is what crashes (the whole node that runs this model).
   */
  start(crash: () => void = () => this.crash()): void {
    const rate = this.profile.failures.crash_rate_per_hour;
    if (rate > 0) {
      const at = this.crashRng.exponential(rate / 3600);
      this.sim.schedule(at, crash);
    }
  }

  /** Whether the agent is up. */
  get isAlive(): boolean {
    return this.alive;
  }

  /** Crashes the agent: calls in flight fail with "crashed"; new calls fail at once. */
  crash(): void {
    if (!this.alive) return;
    this.alive = false;
    this.crashes++;
    if (this.trace.enabled) this.trace.record({ t: this.sim.now, type: "crash", agent: this.id });
    const inFlight = [...this.pending];
    this.pending.clear();
    for (const p of inFlight) {
      if (p.event !== null) this.sim.cancel(p.event);
      this.fail(p, "crashed");
    }
  }

  /** Brings a crashed agent back (its earlier calls stay failed). */
  recover(): void {
    if (this.alive) return;
    this.alive = true;
    if (this.trace.enabled) this.trace.record({ t: this.sim.now, type: "recover", agent: this.id });
  }

  /**
   * Makes one LLM call; `done` runs on the simulation clock when it returns. Every
   * call draws the same numbers in the same order (output length, correctness,
   * wrong choice), so a failure elsewhere does not shift later answers.
   */
  call(request: CallRequest, done: (r: CallResult) => void): CallHandle {
    this.counters.calls++;
    const p: Pending = { request, done, start: this.sim.now, attempts: 0, event: null };
    if (this.trace.enabled) {
      this.trace.record({
        t: this.sim.now,
        type: "call_start",
        agent: this.id,
        label: request.label,
        input_tokens: request.inputTokens,
      });
    }
    const handle: CallHandle = { cancel: () => this.cancel(p) };
    if (!this.alive) {
      this.sim.schedule(0, () => this.fail(p, "crashed"));
      return handle;
    }
    this.pending.add(p);
    const inTok = request.inputTokens;
    if (inTok > this.profile.context_window.tokens) {
      // The provider rejects the prompt outright; retrying cannot help.
      p.event = this.sim.schedule(0, () => {
        this.pending.delete(p);
        this.fail(p, "context_overflow");
      });
      return handle;
    }
    this.attempt(p);
    return handle;
  }

  // The caller no longer wants the answer (e.g. a vote already decided): the
  // request is aborted, its callback never runs and nothing is billed.
  private cancel(p: Pending): boolean {
    if (!this.pending.delete(p)) return false;
    if (p.event !== null) this.sim.cancel(p.event);
    this.counters.cancelledCalls++;
    this.counters.busyS += this.sim.now - p.start;
    if (this.trace.enabled) {
      this.trace.record({
        t: this.sim.now,
        type: "call_cancel",
        agent: this.id,
        label: p.request.label,
      });
    }
    return true;
  }

  /** Slows every call that starts from now on by a factor drawn from `factor` (null: no more). */
  setSlowdown(factor: DistSpec | null): void {
    this.slowdown = factor;
  }

  /** Puts the agent's calls under a provider rate limit (null: none). */
  setRateLimiter(limiter: RateLimiter | null): void {
    this.limiter = limiter;
  }

  private attempt(p: Pending): void {
    p.attempts++;
    this.counters.attempts++;
    const f = this.profile.failures;
    // A 429 from the provider's rate limit is retried like any transient error.
    const limited = this.limiter !== null && !this.limiter.tryTake(this.sim.now);
    if (limited) this.counters.rateLimited++;
    if (limited || (f.transient_error_rate > 0 && this.errorRng.next() < f.transient_error_rate)) {
      const errorAfter = Math.max(0, sample(this.errorRng, f.error_latency));
      if (p.attempts >= f.retry.max_attempts) {
        p.event = this.sim.schedule(errorAfter, () => {
          this.pending.delete(p);
          this.fail(p, "retries_exhausted");
        });
        return;
      }
      const wait = errorAfter + this.backoff(p.attempts);
      this.counters.retries++;
      p.event = this.sim.schedule(wait, () => {
        if (this.trace.enabled)
          this.trace.record({
            t: this.sim.now,
            type: "retry",
            agent: this.id,
            attempt: p.attempts + 1,
          });
        this.attempt(p);
      });
      return;
    }
    this.succeedAfterGeneration(p);
  }

  // Backoff before retry k: min(max, base * 2^(k-1)), jittered (AWS Architecture Blog, 2015).
  private backoff(k: number): number {
    const r = this.profile.failures.retry;
    const b = Math.min(r.max_backoff_s, r.base_backoff_s * 2 ** (k - 1));
    if (r.jitter === "full") return this.errorRng.uniform(0, b);
    if (r.jitter === "equal") return b / 2 + this.errorRng.uniform(0, b / 2);
    return b;
  }

  private succeedAfterGeneration(p: Pending): void {
    const req = p.request;
    const prof = this.profile;
    const outTok =
      req.outputTokens ?? Math.max(1, Math.round(sample(this.tokenRng, prof.tokens.output)));
    let latency = this.baseLatency(outTok, req.inputTokens);
    const st = prof.failures.straggler;
    // One uniform and one multiplier draw per call whether or not it straggles.
    const isStraggler = this.latencyRng.next() < st.probability;
    const mult = st.probability > 0 ? Math.max(1, sample(this.latencyRng, st.multiplier)) : 1;
    if (isStraggler) latency *= mult;
    if (this.slowdown !== null) latency *= Math.max(1, sample(this.slowdownRng, this.slowdown));
    let answer = -1;
    let correct = false;
    if (req.pRef !== undefined) {
      const u = this.answerRng.next();
      const wrong = this.answerRng.next();
      // A question's index is its label; its model-level difficulty shift applies to questions only.
      const e = this.itemErrors;
      const item = typeof req.label === "number" ? req.label : -1;
      const shift = e !== null && item >= 0 && item < e.shift.length ? e.shift[item] : 0;
      correct = !this.alwaysWrong && u < correctProbability(req.pRef, prof.skill.value + shift);
      const choices = req.choices ?? 4;
      // With concentration c the first c of the wrong draw's range picks the item's distractor
      // (answer 1); c = 0 leaves the uniform choice exactly as it was.
      const c = e?.concentration ?? 0;
      const uniform = c > 0 ? (wrong < c ? 0 : (wrong - c) / (1 - c)) : wrong;
      answer = correct ? 0 : 1 + Math.floor(uniform * (choices - 1));
    }
    p.event = this.sim.schedule(latency, () => {
      this.pending.delete(p);
      const cost =
        (req.inputTokens * prof.price.input_per_mtok + outTok * prof.price.output_per_mtok) / 1e6;
      const c = this.counters;
      c.inputTokens += req.inputTokens;
      c.outputTokens += outTok;
      c.costUsd += cost;
      if (isStraggler) c.stragglers++;
      const latencyS = this.sim.now - p.start;
      c.busyS += latencyS;
      this.latencySink(latencyS);
      if (this.trace.enabled) {
        this.trace.record({
          t: this.sim.now,
          type: "call_end",
          agent: this.id,
          label: req.label,
          ok: true,
          answer,
          correct,
          input_tokens: req.inputTokens,
          output_tokens: outTok,
          cost_usd: cost,
          latency_s: latencyS,
          attempts: p.attempts,
          straggler: isStraggler,
        });
      }
      p.done({
        ok: true,
        answer,
        correct,
        inputTokens: req.inputTokens,
        outputTokens: outTok,
        costUsd: cost,
        latencyS,
        attempts: p.attempts,
        straggler: isStraggler,
      });
    });
  }

  // One call's latency before stragglers and slowdowns: the profile's whole-call
  // distribution when it has one, else TTFT + output / decode speed (+ input /
  // prefill speed), drawn in that order.
  private baseLatency(outTok: number, inputTokens: number): number {
    const l = this.profile.latency;
    if (l.call !== undefined) return Math.max(0, sample(this.latencyRng, l.call));
    if (l.ttft === undefined || l.decode_tokens_per_s === undefined) {
      throw new Error(
        `profile ${this.profile.name}: latency needs call, or ttft and decode_tokens_per_s`,
      );
    }
    let latency =
      Math.max(0, sample(this.latencyRng, l.ttft)) +
      outTok / sample(this.latencyRng, l.decode_tokens_per_s);
    if (l.prefill_tokens_per_s !== undefined) {
      latency += inputTokens / sample(this.latencyRng, l.prefill_tokens_per_s);
    }
    return latency;
  }

  private fail(p: Pending, error: CallError): void {
    this.counters.failedCalls++;
    const latencyS = this.sim.now - p.start;
    this.counters.busyS += latencyS;
    if (this.trace.enabled) {
      this.trace.record({
        t: this.sim.now,
        type: "call_end",
        agent: this.id,
        label: p.request.label,
        ok: false,
        error,
        attempts: p.attempts,
        latency_s: latencyS,
      });
    }
    p.done({
      ok: false,
      error,
      answer: -1,
      correct: false,
      inputTokens: p.request.inputTokens,
      outputTokens: 0,
      costUsd: 0,
      latencyS,
      attempts: p.attempts,
      straggler: false,
    });
  }
}
