import { getHeapStatistics } from "node:v8";
import { InputError } from "../core/InputError.js";
import { METRICS } from "../metrics/RunResult.js";
import { defaultItemWork, type ItemWork } from "../protocols/Protocol.js";
import { getProtocol, type TeamConfig } from "../protocols/registry.js";
import type { Scenario } from "../scenario/ScenarioSchema.js";

// Calibration (docs/limits.md has the table): `run` of the single,
// independent, debate, pbft, gossip, raft, leader-worker, decentralized,
// two-phase-commit, tree, pipeline, cascade and mixture-of-agents scenarios at
// 1 to 10,000 agents on this project's 2-vCPU machine (Node 20), CPU time of
// the runs against this module's estimate: 240,000 to 2,000,000 estimated
// events per CPU second, 390,000 to 850,000 for every job over 5 s (the
// slowest under 300,000 were runs under 2 s, mostly start-up). At 300,000 a
// job estimated at two minutes takes two minutes of one core or less.
/** Estimated events one core simulates per second (below every job over 2 s measured). */
export const EVENTS_PER_S = 300_000;
/** Seconds of one core a job may take without `--yes`. */
export const MAX_WORK_SECONDS = 120;
/** The default limit on a job's work in estimated events: about two minutes of one core. */
export const MAX_WORK_EVENTS = EVENTS_PER_S * MAX_WORK_SECONDS;

// Events' worth of work besides the messages (one event each), measured the
// same way: an LLM call (latency, tokens and correctness drawn, its history
// kept) about 2 events; an item (a question, a subtask and its dependencies)
// about 10; a node of the world about 25 (its mailbox, random streams, model
// and detector, built every replicate: some 55 µs); loading a sweep point's
// scenario (once to plan it, once in each worker) about 2,000 (some 6 ms).
const CALL_EVENTS = 2;
const ITEM_EVENTS = 10;
const NODE_EVENTS = 25;
const POINT_EVENTS = 2000;

// Memory, measured with the heap after a replicate: a node about 6 KB, an item
// under 1 KB, a call and its history about 300 bytes, a message at most about
// 100 bytes (pbft's log keeps its votes; most protocols keep none); rounded
// up. A run keeps every metric of every replicate (8 bytes each) and every
// call's latency (8 bytes, in an array that doubles); a sweep keeps every
// results line (about 750 bytes) and its task.
const NODE_BYTES = 8192;
const ITEM_BYTES = 1024;
const CALL_BYTES = 320;
const MESSAGE_BYTES = 100;
const RUN_BYTES = METRICS.length * 8;
const LATENCY_BYTES = 24;
/** Memory a sweep's main thread keeps per (point, replicate) result: its line and its task. */
export const RESULT_BYTES = 1536;

/** What a job will cost, estimated before it runs from the scenario and the protocol's complexity. */
export interface WorkEstimate {
  /** Replicates simulated in all (over every point, size or candidate). */
  runs: number;
  /** LLM calls in all. */
  calls: number;
  /** Messages in all. */
  messages: number;
  /** Events' worth of work in all: events, calls, nodes built, other steps. */
  events: number;
  /** Seconds of one core (events / EVENTS_PER_S); workers share them out. */
  seconds: number;
  /** Peak memory in bytes. */
  memoryBytes: number;
}

/** What to estimate: the scenario's runs, or another team size, structure or replicate count. */
export interface EstimateOptions {
  /** Replicates (default: the scenario's). */
  replicates?: number;
  /** Team size (default: the scenario's). */
  agents?: number;
  /** The team block (default: the scenario's), e.g. another structure with its defaults. */
  team?: TeamConfig;
  /** Whether each replicate also runs the `single` baseline for speedup (run and sweep do). */
  baseline?: boolean;
}

/** Help of the `--yes` flag of every command that simulates. */
export const YES_HELP =
  "run even when the work estimate is over the limit (also TEAMSIM_YES=1; see docs/limits.md)";

/** The items of one replicate's task: questions, or subtasks of a work graph. */
export function taskItems(task: Scenario["task"]): number {
  switch (task.kind) {
    case "questions":
      return task.items;
    case "workgraph":
      return (task.graph?.length ?? task.subtasks) + (task.integration ? 1 : 0);
    case "chain":
      return task.subtasks + (task.integration ? 1 : 0);
    case "fork-join":
      return task.stages * (task.width + 2) + (task.integration ? 1 : 0);
    case "layered":
      return task.layers * task.width + (task.integration ? 1 : 0);
    default:
      return 1;
  }
}

/**
 * What drawing and holding one item of the task costs besides the protocol's
 * work: a question's vote tallies have two slots per answer choice (16 bytes,
 * filled at about 1/100 of an event each); a layered graph's subtask draws an
 * edge to each subtask of the layer before and keeps those it draws.
 */
export function taskItemCost(task: Scenario["task"]): { steps: number; bytes: number } {
  if (task.kind === "questions") return { steps: task.choices / 100, bytes: 16 * task.choices };
  if (task.kind === "layered")
    return { steps: task.width, bytes: 8 * Math.max(1, task.width * task.edge_probability) };
  return { steps: 0, bytes: 0 };
}

/** The work of one item for `team` with n members: the protocol's own estimate, or the default. */
export function itemWork(team: TeamConfig, n: number): ItemWork {
  const module = getProtocol(team.protocol);
  return module.workPerItem?.(team as never, n) ?? defaultItemWork(n);
}

/** The estimated work of a scenario's replicates (one configuration). */
export function estimateRuns(scenario: Scenario, options: EstimateOptions = {}): WorkEstimate {
  const runs = options.replicates ?? scenario.replicates;
  const n = options.agents ?? scenario.agents.count;
  const team = options.team ?? scenario.team;
  const items = taskItems(scenario.task);
  const nodes = n + (getProtocol(team.protocol).extraNodes?.length ?? 0);
  const w = itemWork(team, n);
  const t = taskItemCost(scenario.task);
  let calls = items * w.calls;
  const messages = items * w.messages;
  const perItem = ITEM_EVENTS + t.steps + CALL_EVENTS * w.calls + w.messages + (w.steps ?? 0);
  let events = NODE_EVENTS * nodes + items * perItem;
  let memory =
    NODE_BYTES * nodes +
    (ITEM_BYTES + t.bytes) * items +
    CALL_BYTES * calls +
    MESSAGE_BYTES * messages;
  if (options.baseline && team.protocol !== "single") {
    // The same replicate run by one agent of the same world, fault-free.
    const b = itemWork({ protocol: "single" } as TeamConfig, n);
    calls += items * b.calls;
    events += NODE_EVENTS * nodes + items * (ITEM_EVENTS + t.steps + CALL_EVENTS * b.calls);
  }
  memory += runs * (RUN_BYTES + LATENCY_BYTES * calls);
  return {
    runs,
    calls: runs * calls,
    messages: runs * messages,
    events: runs * events,
    seconds: (runs * events) / EVENTS_PER_S,
    memoryBytes: memory,
  };
}

/**
 * The work of several parts run one after the other (sweep points, team sizes,
 * candidates): the counts add up, and the peak memory is the largest part's
 * (each part's replicates are summarized and let go before the next).
 */
export function sumEstimates(parts: readonly WorkEstimate[]): WorkEstimate {
  const out: WorkEstimate = {
    runs: 0,
    calls: 0,
    messages: 0,
    events: 0,
    seconds: 0,
    memoryBytes: 0,
  };
  for (const p of parts) {
    out.runs += p.runs;
    out.calls += p.calls;
    out.messages += p.messages;
    out.events += p.events;
    out.seconds += p.seconds;
    out.memoryBytes = Math.max(out.memoryBytes, p.memoryBytes);
  }
  return out;
}

/**
 * A sweep's work: its points' runs, plus loading each point's scenario, plus
 * the results its main thread keeps (every line, for the summaries). `share`:
 * the fraction of the runs this process does (1/n for a shard of n).
 */
export function sweepEstimate(points: readonly WorkEstimate[], share = 1): WorkEstimate {
  const sum = sumEstimates(points);
  const runs = sum.runs * share;
  const events = sum.events * share + POINT_EVENTS * points.length;
  return {
    runs,
    calls: sum.calls * share,
    messages: sum.messages * share,
    events,
    seconds: events / EVENTS_PER_S,
    memoryBytes: sum.memoryBytes + RESULT_BYTES * runs,
  };
}

// `replicate paper`, measured the same way: fitting a model on its single-agent
// runs takes about 12 s of one core, and one replicate of one cell (a team of
// up to 5 on a 20-subtask graph) about 50 µs. The coordination fits of
// --leave-one-out and --calibrate-on all (a fixed grid, about a minute a
// model) are not counted: they do not grow with --replicates.
const PAPER_FIT_EVENTS = 12 * EVENTS_PER_S;
const PAPER_CELL_EVENTS = 20;

/** The estimated work of `replicate paper`: fitting each model, then its cells' replicates. */
export function replicateEstimate(models: number, cells: number, replicates: number): WorkEstimate {
  const runs = models * cells * replicates;
  const events = models * PAPER_FIT_EVENTS + runs * PAPER_CELL_EVENTS;
  return {
    runs,
    calls: 0,
    messages: 0,
    events,
    seconds: events / EVENTS_PER_S,
    memoryBytes: runs * RUN_BYTES,
  };
}

/** Whether `--yes` (or TEAMSIM_YES=1) lets a job over the work limit run. */
export interface GuardOptions {
  yes?: boolean;
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The work limit in estimated events: TEAMSIM_MAX_WORK if set (a positive
 * number, e.g. 1e9 or 0 to refuse every job that simulates), else MAX_WORK_EVENTS.
 */
export function workLimit(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const text = env.TEAMSIM_MAX_WORK;
  if (text === undefined || text.trim() === "") return MAX_WORK_EVENTS;
  const v = Number(text);
  if (!Number.isFinite(v) || v < 0) {
    throw new InputError(
      "TEAMSIM_MAX_WORK",
      "",
      undefined,
      undefined,
      "a number of events >= 0 (e.g. 1e8)",
      JSON.stringify(text),
    );
  }
  return v;
}

/** Whether TEAMSIM_YES says yes (1, true or yes; 0, false, no or empty say no). */
export function envYes(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  const text = (env.TEAMSIM_YES ?? "").trim().toLowerCase();
  if (["1", "true", "yes"].includes(text)) return true;
  if (["", "0", "false", "no"].includes(text)) return false;
  throw new InputError(
    "TEAMSIM_YES",
    "",
    undefined,
    undefined,
    "1 (run jobs over the work limit) or 0",
    JSON.stringify(env.TEAMSIM_YES),
  );
}

/**
 * The memory a job may take: three quarters of Node's heap limit (the rest is
 * the program's own; `NODE_OPTIONS=--max-old-space-size=MB` raises it).
 */
export function memoryLimit(): number {
  return Math.floor(0.75 * getHeapStatistics().heap_size_limit);
}

/**
 * Refuses a job before it starts: over the memory limit always (it would die
 * of an out-of-memory error part way), over the work limit unless `--yes` or
 * TEAMSIM_YES=1. `subject` names what is refused (the scenario file, a flag).
 */
export function guardWork(
  estimate: WorkEstimate,
  subject: string,
  options: GuardOptions = {},
): void {
  const env = options.env ?? process.env;
  const limit = workLimit(env);
  const memLimit = memoryLimit();
  // (Written so that an estimate too large for a number, NaN, is over too.)
  if (!(estimate.memoryBytes <= memLimit)) {
    throw new InputError(
      subject,
      "",
      undefined,
      undefined,
      `a job that fits in memory (at most ${bytes(memLimit)}: three quarters of Node's heap, raised by NODE_OPTIONS=--max-old-space-size=MB)`,
      `an estimated ${bytes(estimate.memoryBytes)} (${describe(estimate)}; ${duration(estimate.seconds)} of one core)`,
    );
  }
  if (!(estimate.events > limit) && Number.isFinite(estimate.events)) return;
  if (options.yes === true || envYes(env)) return;
  throw new InputError(
    subject,
    "",
    undefined,
    undefined,
    `at most ${num(limit)} events of work (${duration(limit / EVENTS_PER_S)} of one core; --yes or TEAMSIM_YES=1 runs it anyway)`,
    `an estimated ${num(estimate.events)}, ${duration(estimate.seconds)} (${describe(estimate)}; ${bytes(estimate.memoryBytes)} of memory)`,
  );
}

/** The estimate's counts in words: runs, LLM calls and messages (when it counts them). */
export function describe(e: WorkEstimate): string {
  const runs = e.runs === 1 ? "1 run" : `${num(e.runs)} runs`;
  if (e.calls === 0 && e.messages === 0) return runs;
  return `${runs}, ${num(e.calls)} LLM calls, ${num(e.messages)} messages`;
}

// 1234 -> "1234", 1.5e9 -> "1.5e9": exact while short, else two significant digits.
function num(x: number): string {
  if (!Number.isFinite(x)) return "over 1e308";
  if (x < 1e5) return String(Math.round(x));
  const [m, e] = x.toExponential(1).split("e");
  return `${m.replace(/\.0$/, "")}e${Number(e)}`;
}

// 2.5e9 -> "3 GB": a size for a person.
function bytes(b: number): string {
  if (!Number.isFinite(b)) return "over 1e308 B";
  const units = ["B", "KB", "MB", "GB", "TB", "PB", "EB"];
  let v = b;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return v >= 1000 ? `${num(b)} B` : `${Math.round(v)} ${units[u]}`;
}

// "about 2 min", "under 1 s": a duration for a person.
function duration(s: number): string {
  if (s < 1) return "under 1 s";
  if (s < 120) return `about ${Math.round(s)} s`;
  if (s < 7200) return `about ${Math.round(s / 60)} min`;
  if (s < 2 * 86400) return `about ${Math.round(s / 3600)} h`;
  if (s < 2 * 365 * 86400) return `about ${Math.round(s / 86400)} days`;
  return `about ${num(s / (365 * 86400))} years`;
}
