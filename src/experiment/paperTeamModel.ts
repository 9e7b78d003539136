import type { RandomStream } from "../core/Rng.js";
import type { CoordinationParams } from "../scenario/readCoordination.js";
import type { PaperRun } from "../scenario/readPaperData.js";
import { type PaperSuite, paperOrder, preassign } from "../tasks/PaperSuite.js";

/** The paper's two ways of dividing the work among a team. */
export type PaperMode = "preassigned" | "decentralized";
/** Both modes, in the order tables list them. */
export const PAPER_MODES: readonly PaperMode[] = ["preassigned", "decentralized"];

/**
 * What one model does on the paper's coding tasks, fitted on that model's
 * single-agent runs (experiment/fitPaperModel.ts). Every field of a team run
 * that does not involve other agents is here.
 */
export interface PaperModelParams {
  model: string;
  /** Subtasks an agent takes on in one call (mean; the fraction is rounded at random), per mode and suite (suites differ in file size). */
  batch: Record<PaperMode, Record<string, number>>;
  /** Probability that a subtask written in a call fails its tests and is redone next round, per mode and suite. */
  fail: Record<PaperMode, Record<string, number>>;
  /**
   * Probability, once per run, that the test suite fails when every subtask is
   * written, starting a fix loop: rounds of one small edit per agent, each
   * ending the loop with probability 1 / loop_rounds. Per mode; in a team every
   * other agent adds the coordination's `interference`.
   */
  loop_probability: Record<PaperMode, number>;
  /** Mean length of a fix loop in rounds, per mode. */
  loop_rounds: Record<PaperMode, number>;
  /** One call's latency: min(cap_s, base_s + per_edit_s[mode][suite] * edits) * lognormal(0, sigma), times stall_multiplier with stall_probability. The cap is the model's output limit; files differ in size by suite, and calls in what they do by mode (decentralized calls also claim, complete and run tests). */
  latency: {
    /** A call that edits nothing (an idle look at the task list). */
    base_s: number;
    /** A call in a fix loop (one small edit and a test run), per mode. */
    fix_s: Record<PaperMode, number>;
    /** Added to a writing call that also runs the test suite (it finishes the agent's part, or redoes a failed subtask), per mode. */
    test_s: Record<PaperMode, number>;
    per_edit_s: Record<PaperMode, Record<string, number>>;
    cap_s: number;
    sigma: number;
    stall_probability: number;
    stall_multiplier: number;
  };
  /** Tokens of one call, per mode: input input_per_call + input_per_round * (round - 1); output output_per_call + output_per_edit * edits. */
  tokens: Record<
    PaperMode,
    {
      input_per_call: number;
      input_per_round: number;
      output_per_call: number;
      output_per_edit: number;
    }
  >;
  source: string;
}

/** The random streams of one simulated run (one per consumer, so changing one mechanism does not shift the others' draws). */
export interface PaperRunStreams {
  latency: RandomStream;
  batch: RandomStream;
  tests: RandomStream;
  claims: RandomStream;
}

/** What one simulated run of the paper's experiment measured (the columns of runs.csv). */
export type PaperRunResult = Pick<
  PaperRun,
  | "wall_clock_s"
  | "rounds"
  | "concurrent_writes"
  | "claims_blocked"
  | "input_tokens"
  | "output_tokens"
> & { success: boolean };

/** The paper's round limit. */
export const MAX_ROUNDS = 60;

/** The mean of a record's values (a suite the model was not fitted on gets its mode's mean). */
function meanOf(values: Record<string, number>): number {
  const list = Object.values(values);
  return list.length === 0 ? 1 : list.reduce((a, b) => a + b, 0) / list.length;
}

// Orders and assignments depend only on the suite (and n): computed once, not per run.
const orders = new WeakMap<PaperSuite, number[]>();
const owners = new WeakMap<PaperSuite, number[][]>();
function orderOf(suite: PaperSuite): number[] {
  let order = orders.get(suite);
  if (order === undefined) orders.set(suite, (order = paperOrder(suite)));
  return order;
}
function ownersOf(suite: PaperSuite, n: number): number[] {
  let byN = owners.get(suite);
  if (byN === undefined) owners.set(suite, (byN = []));
  byN[n] ??= preassign(suite, n);
  return byN[n];
}

/** One call's latency around its typical value: lognormal noise and, rarely, a stall. */
function callLatency(typical: number, lat: PaperModelParams["latency"], rng: RandomStream): number {
  const t = typical * Math.exp(lat.sigma * rng.normal());
  return rng.next() < lat.stall_probability ? t * lat.stall_multiplier : t;
}

/** A batch size: the mean, with its fractional part rounded up at random. */
function drawBatch(mean: number, rng: RandomStream): number {
  const whole = Math.floor(mean);
  return Math.max(1, whole + (rng.next() < mean - whole ? 1 : 0));
}

/**
 * Simulates one run of a team of n identical agents on a suite, in the paper's
 * synchronous rounds: every round each agent makes one call in parallel, the
 * slowest call closes the round (a barrier), and at most MAX_ROUNDS rounds are
 * played. Agents decide from the task list as it was at the start of the round
 * (stale views). Written subtasks pass their tests or are redone next round.
 */
export function simulatePaperRun(
  suite: PaperSuite,
  mode: PaperMode,
  n: number,
  model: PaperModelParams,
  coord: CoordinationParams,
  rng: PaperRunStreams,
): PaperRunResult {
  const m = suite.deps.length;
  const order = orderOf(suite);
  const owner = mode === "preassigned" ? ownersOf(suite, n) : null;
  const done = new Uint8Array(m);
  const picked = new Int32Array(m); // agents that wrote subtask k this round
  const mine = new Int32Array(m).fill(-1); // preassigned: written earlier in this agent's call
  const picks: number[][] = Array.from({ length: n }, () => []);
  const attempted = new Uint8Array(m);
  const ownLeft = new Int32Array(n); // preassigned: the agent's subtasks not done yet
  const lat = model.latency;
  const batch = model.batch[mode][suite.suite] ?? meanOf(model.batch[mode]);
  const pass = 1 - (model.fail[mode][suite.suite] ?? meanOf(model.fail[mode]));
  const perEdit = lat.per_edit_s[mode][suite.suite] ?? meanOf(lat.per_edit_s[mode]);
  // The model's own chance of a fix loop, once per run, and every other agent's
  // unfinished or changed files add to it (interference).
  const loopP = 1 - (1 - model.loop_probability[mode]) * (1 - coord.interference) ** (n - 1);
  const loopExit = 1 / Math.max(1, model.loop_rounds[mode]);
  let looping = false;
  const inputScale = 1 + coord.context_per_agent * (n - 1);
  const tok = model.tokens[mode];
  let remaining = m;
  let rounds = 0;
  let wall = 0;
  let concurrent = 0;
  let blocked = 0;
  let input = 0;
  let output = 0;

  const ready = (k: number, agent: number): boolean => {
    for (const d of suite.deps[k]) if (done[d] === 0 && mine[d] !== agent) return false;
    return true;
  };

  while ((remaining > 0 || looping) && rounds < MAX_ROUNDS) {
    rounds++;
    if (looping) {
      // A fix round: every agent makes one small edit; the slowest closes the round.
      let slowest = 0;
      for (let i = 0; i < n; i++) {
        const t = callLatency(lat.fix_s[mode], lat, rng.latency);
        if (t > slowest) slowest = t;
        input += (tok.input_per_call + tok.input_per_round * (rounds - 1)) * inputScale;
        output += tok.output_per_call + tok.output_per_edit;
      }
      wall += slowest;
      if (rng.tests.next() < loopExit) looping = false;
      continue;
    }
    picked.fill(0);
    mine.fill(-1);
    if (owner !== null) {
      ownLeft.fill(0);
      for (let k = 0; k < m; k++) if (done[k] === 0) ownLeft[owner[k]]++;
    }
    for (let i = 0; i < n; i++) {
      const list = picks[i];
      list.length = 0;
      const want = drawBatch(batch, rng.batch);
      if (owner !== null) {
        // Preassigned: the agent writes its own subtasks in order; within one
        // call it can build on what it has just written, but a subtask waiting
        // for another agent's is blocked (skipped this round).
        for (const k of order) {
          if (list.length >= want) break;
          if (owner[k] !== i || done[k] === 1) continue;
          if (!ready(k, i)) {
            blocked++;
            continue;
          }
          list.push(k);
          mine[k] = i;
        }
      } else if (i > 0 && rng.claims.next() < coord.herding) {
        // Decentralized, herding: the same stale list leads to the same
        // choice as an agent before this one.
        const j = rng.claims.int(i);
        for (const k of picks[j]) list.push(k);
      } else {
        // Decentralized: the first claimable subtasks by the stale list that
        // no agent before this one took; a claim whose dependencies are not
        // done is blocked, and the agent goes on down the list.
        for (const k of order) {
          if (list.length >= want) break;
          if (done[k] === 1 || picked[k] > 0) continue;
          let ok = true;
          for (const d of suite.deps[k]) if (done[d] === 0) ok = false;
          if (!ok) {
            blocked++;
            continue;
          }
          list.push(k);
          picked[k]++;
        }
      }
    }
    // How many agents wrote each subtask (herding agents were not counted while choosing).
    picked.fill(0);
    let distinct = 0;
    for (const list of picks) for (const k of list) if (picked[k]++ === 0) distinct++;
    // The barrier: the slowest call closes the round.
    let slowest = 0;
    for (let i = 0; i < n; i++) {
      const written = picks[i].length;
      let edits = written;
      if (written === 0) {
        const whole = Math.floor(coord.idle_edits);
        edits = whole + (rng.latency.next() < coord.idle_edits - whole ? 1 : 0);
      }
      // A writing call runs the tests when it finishes the agent's part (or,
      // decentralized, the last unclaimed subtasks) or redoes a failed one.
      let tested =
        owner !== null
          ? written > 0 && written === ownLeft[i]
          : written > 0 && distinct >= remaining;
      for (const k of picks[i]) if (attempted[k] === 1) tested = true;
      const typical =
        edits === 0
          ? lat.base_s
          : Math.min(lat.cap_s, lat.base_s + perEdit * edits + (tested ? lat.test_s[mode] : 0));
      const t = callLatency(typical, lat, rng.latency);
      if (t > slowest) slowest = t;
      input += (tok.input_per_call + tok.input_per_round * (rounds - 1)) * inputScale;
      output += tok.output_per_call + tok.output_per_edit * edits;
    }
    wall += slowest;
    // Tests: a subtask written by one agent passes with passTeam; one written
    // concurrently by several fails when their writes clobber each other.
    for (let k = 0; k < m; k++) {
      const c = picked[k];
      if (c === 0 || done[k] === 1) continue;
      attempted[k] = 1;
      if (c > 1) concurrent += c - 1;
      const broken = c > 1 && rng.tests.next() < coord.collision_break;
      if (!broken && rng.tests.next() < pass) {
        done[k] = 1;
        remaining--;
      }
    }
    if (remaining === 0 && rng.tests.next() < loopP) looping = true;
  }
  return {
    success: remaining === 0 && !looping,
    wall_clock_s: wall,
    rounds,
    concurrent_writes: concurrent,
    claims_blocked: blocked,
    input_tokens: Math.round(input),
    output_tokens: Math.round(output),
  };
}
