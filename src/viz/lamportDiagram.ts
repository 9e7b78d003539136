import type { TraceEvent } from "../core/Trace.js";
import { DIAGRAM_STATE_EVENTS } from "../experiment/diagramStateEvents.js";

/** An LLM call drawn as a bar on its agent's lane. */
export interface CallBar {
  lane: number;
  start: number;
  end: number;
  /** ok, failed (an error), cancelled, or open (still running when the trace ends). */
  outcome: "ok" | "failed" | "cancelled" | "open";
  straggler: boolean;
  /** What hovering shows. */
  summary: string;
}

/** A message drawn as an arrow from its send to its delivery (or where it was lost). */
export interface MessageArrow {
  id: number;
  from: number;
  to: number;
  kind: string;
  sent: number;
  /** Delivery time, drop time, or the trace's end for a message still in flight. */
  at: number;
  fate: "delivered" | "dropped" | "in_flight";
  /** When a partition held it (it is delivered, if at all, after the heal). */
  heldAt?: number;
  /** A second or later delivery of the same message (the duplicate fault). */
  duplicate?: boolean;
  summary: string;
}

/** The kinds of point marks on a lane. */
export type MarkKind =
  | "crash"
  | "recover"
  | "candidate"
  | "leader"
  | "step_down"
  | "view"
  | "commit"
  | "decide"
  | "suspect"
  | "trust"
  | "retry"
  | "reject";

/** An event at one instant on one lane. */
export interface LaneMark {
  lane: number;
  t: number;
  kind: MarkKind;
  /** A short annotation drawn beside the mark (may be empty). */
  label: string;
  summary: string;
}

/** A stretch of a lane during which that node led (a Raft term, a PBFT view's primary). */
export interface TermSpan {
  lane: number;
  start: number;
  end: number;
  label: string;
}

/** A partition from its start to its heal (or the trace's end), with its sides as lane lists. */
export interface PartitionSpan {
  start: number;
  end: number;
  groups: number[][];
  summary: string;
}

/** Everything the diagram draws, in simulated seconds and lane indices. */
export interface LamportDiagram {
  lanes: string[];
  start: number;
  end: number;
  bars: CallBar[];
  arrows: MessageArrow[];
  marks: LaneMark[];
  terms: TermSpan[];
  partitions: PartitionSpan[];
  /** Message kinds with how many arrows each has, most frequent first. */
  kinds: { kind: string; count: number }[];
  /** The events given, and whether they were cut (see `LamportOptions.maxEvents`). */
  events: number;
  note?: string;
}

/** Which part of a trace to draw. */
export interface LamportOptions {
  /** Draw only what happens at or after this time (s). */
  from?: number;
  /** Draw only what happens at or before this time (s). */
  to?: number;
  /** Trace events in the window beyond this many are not drawn (the window is cut, with a note). */
  maxEvents?: number;
}

/** The default cap on the events one diagram draws (a browser stays responsive below it). */
export const MAX_DIAGRAM_EVENTS = 200_000;

const str = (v: unknown): string => (typeof v === "string" ? v : v === undefined ? "" : String(v));
const num = (v: unknown): number => (typeof v === "number" ? v : Number.NaN);
const secs = (t: number): string => `${Number(t.toFixed(3))} s`;

/**
 * Turns the trace of one replicate into the space-time (Lamport) diagram's
 * pieces: one lane per node, calls as bars, messages as arrows, and marks for
 * crashes, recoveries, elections, commits, decisions and suspicions. Pure: the
 * same events give the same diagram.
 */
export function lamportDiagram(
  events: readonly TraceEvent[],
  options: LamportOptions = {},
): LamportDiagram {
  const from = options.from ?? Number.NEGATIVE_INFINITY;
  const to0 = options.to ?? Number.POSITIVE_INFINITY;
  const cap = options.maxEvents ?? MAX_DIAGRAM_EVENTS;
  // The window's events, in trace order; beyond the cap the window ends early.
  let to = to0;
  let inWindow = 0;
  let note: string | undefined;
  const shown: TraceEvent[] = [];
  let agents = 0;
  for (const e of events) {
    if (e.type === "run_start") agents = Math.max(agents, num(e.agents) || 0);
    if (e.t > to || (e.t < from && !DIAGRAM_STATE_EVENTS.has(e.type))) continue;
    // As the report's trace counts: the window's own events, not run_start or earlier state.
    if (e.type !== "run_start" && e.t >= from) inWindow++;
    if (inWindow > cap) {
      to = shown[shown.length - 1]?.t ?? from;
      note = `the trace has more than ${cap} events in the window; the diagram stops at ${secs(to)} (narrow it with --from/--to)`;
      break;
    }
    shown.push(e);
  }

  const lanes: string[] = [];
  const laneOf = new Map<string, number>();
  for (let i = 0; i < agents; i++) lane(`agent-${i}`);
  function lane(name: string): number {
    let i = laneOf.get(name);
    if (i === undefined) {
      i = lanes.length;
      lanes.push(name);
      laneOf.set(name, i);
    }
    return i;
  }

  const first = shown.length > 0 ? Math.max(from, 0) : 0;
  const last = shown.reduce((m, e) => Math.max(m, e.t), first);
  const start = Number.isFinite(from) ? from : Math.min(first, 0);
  const end = Number.isFinite(options.to ?? Number.NaN) && note === undefined ? to0 : last;

  const bars: CallBar[] = [];
  const openCalls = new Map<string, { bar: CallBar; input: number }[]>();
  const arrows: MessageArrow[] = [];
  const sends = new Map<
    number,
    { from: number; to: number; kind: string; t: number; tokens: number; payload: string }
  >();
  const open = new Map<number, MessageArrow>();
  const delivered = new Set<number>();
  const held = new Map<number, number>();
  const marks: LaneMark[] = [];
  const terms: TermSpan[] = [];
  const leading = new Map<number, TermSpan>();
  const partitions: PartitionSpan[] = [];
  let partition: PartitionSpan | undefined;
  const seenCrash = new Set<string>();

  const mark = (name: unknown, t: number, kind: MarkKind, label: string, summary: string) => {
    const l = lane(str(name));
    if (t >= start) marks.push({ lane: l, t, kind, label, summary });
  };
  const endTerm = (l: number, t: number) => {
    const span = leading.get(l);
    if (span !== undefined) {
      span.end = t;
      leading.delete(l);
    }
  };
  const startTerm = (l: number, t: number, label: string) => {
    endTerm(l, t);
    const span = { lane: l, start: Math.max(t, start), end: end, label };
    terms.push(span);
    leading.set(l, span);
  };

  for (const e of shown) {
    const t = e.t;
    switch (e.type) {
      case "send": {
        const id = num(e.id);
        const f = lane(str(e.from));
        const d = lane(str(e.to));
        const s = {
          from: f,
          to: d,
          kind: str(e.kind),
          t,
          tokens: num(e.tokens),
          payload: e.payload === undefined ? "" : str(e.payload),
        };
        sends.set(id, s);
        const arrow: MessageArrow = {
          id,
          from: f,
          to: d,
          kind: s.kind,
          sent: t,
          at: end,
          fate: "in_flight",
          summary: "",
        };
        arrows.push(arrow);
        open.set(id, arrow);
        break;
      }
      case "deliver":
      case "drop": {
        const id = num(e.id);
        let arrow = open.get(id);
        if (arrow === undefined) {
          // A duplicate delivery, or a message sent before the window: draw it from
          // its send if known, else from the window's start.
          const s = sends.get(id);
          const kind = str(e.kind) || s?.kind || "?";
          arrow = {
            id,
            from: s?.from ?? lane(str(e.from)),
            to: s?.to ?? lane(str(e.to)),
            kind,
            sent: s?.t ?? start,
            at: t,
            fate: "in_flight",
            duplicate: delivered.has(id) ? true : undefined,
            summary: "",
          };
          arrows.push(arrow);
        }
        open.delete(id);
        arrow.at = t;
        arrow.fate = e.type === "deliver" ? "delivered" : "dropped";
        if (e.type === "deliver") delivered.add(id);
        const h = held.get(id);
        if (h !== undefined) arrow.heldAt = h;
        arrow.summary = describeMessage(arrow, lanes, sends.get(id), str(e.reason));
        break;
      }
      case "hold":
        held.set(num(e.id), t);
        {
          const arrow = open.get(num(e.id));
          if (arrow !== undefined) arrow.heldAt = t;
        }
        break;
      case "call_start": {
        const l = lane(str(e.agent));
        const bar: CallBar = {
          lane: l,
          start: t,
          end: end,
          outcome: "open",
          straggler: false,
          summary: "",
        };
        bars.push(bar);
        const key = `${l}/${str(e.label)}`;
        const list = openCalls.get(key) ?? [];
        list.push({ bar, input: num(e.input_tokens) });
        openCalls.set(key, list);
        break;
      }
      case "call_end":
      case "call_cancel": {
        const l = lane(str(e.agent));
        const key = `${l}/${str(e.label)}`;
        const entry = openCalls.get(key)?.shift();
        const bar = entry?.bar ?? {
          lane: l,
          start,
          end: t,
          outcome: "open" as const,
          straggler: false,
          summary: "",
        };
        if (entry === undefined) bars.push(bar);
        bar.end = t;
        bar.outcome = e.type === "call_cancel" ? "cancelled" : e.ok === true ? "ok" : "failed";
        bar.straggler = e.straggler === true;
        bar.summary = describeCall(e, lanes[l], bar);
        break;
      }
      case "crash":
      case "recover": {
        // Both the node and its model may report one crash: draw it once.
        const key = `${e.type}/${str(e.agent)}/${t}`;
        if (seenCrash.has(key)) break;
        seenCrash.add(key);
        const l = lane(str(e.agent));
        if (e.type === "crash") endTerm(l, t);
        mark(
          e.agent,
          t,
          e.type,
          e.type,
          `${str(e.agent)} ${e.type === "crash" ? "crashes" : "recovers"} at ${secs(t)}`,
        );
        break;
      }
      case "raft_candidate":
        mark(
          e.node,
          t,
          "candidate",
          `candidate, term ${str(e.term)}`,
          `${str(e.node)} stands for election in term ${str(e.term)} at ${secs(t)}`,
        );
        break;
      case "raft_leader":
        mark(
          e.node,
          t,
          "leader",
          `leader, term ${str(e.term)}`,
          `${str(e.node)} is elected leader of term ${str(e.term)} at ${secs(t)}`,
        );
        startTerm(lane(str(e.node)), t, `term ${str(e.term)} leader`);
        break;
      case "raft_step_down":
        mark(
          e.node,
          t,
          "step_down",
          `steps down, term ${str(e.term)}`,
          `${str(e.node)} steps down (term ${str(e.term)}) at ${secs(t)}`,
        );
        endTerm(lane(str(e.node)), t);
        break;
      case "view": {
        const v = num(e.view);
        mark(e.node, t, "view", `view ${v}`, `${str(e.node)} moves to view ${v} at ${secs(t)}`);
        break;
      }
      case "raft_apply": {
        const value = str(e.value);
        const label = value === "noop" ? `#${str(e.index)} no-op` : `#${str(e.index)}`;
        mark(
          e.node,
          t,
          "commit",
          label,
          `${str(e.node)} commits entry ${str(e.index)} (term ${str(e.term)}, ${value === "noop" ? "no-op" : `item:answer ${value}`}) at ${secs(t)}`,
        );
        break;
      }
      case "decide":
        mark(
          e.node,
          t,
          "decide",
          `item ${str(e.item)}`,
          `${str(e.node)} decides item ${str(e.item)} = ${str(e.answer)}${e.unreadable ? " (unreadable)" : ""} at ${secs(t)}`,
        );
        break;
      case "suspect":
      case "trust":
        mark(
          e.watcher,
          t,
          e.type,
          `${e.type === "suspect" ? "suspects" : "trusts"} ${str(e.node)}`,
          `${str(e.watcher)} ${e.type === "suspect" ? "suspects" : "trusts again"} ${str(e.node)} at ${secs(t)}`,
        );
        break;
      case "retry":
        mark(
          e.agent,
          t,
          "retry",
          "",
          `${str(e.agent)} retries its call (attempt ${str(e.attempt)}) at ${secs(t)}`,
        );
        break;
      case "reject":
        mark(
          e.node,
          t,
          "reject",
          "",
          `${str(e.node)} rejects ${str(e.kind)} from ${str(e.from)}: ${str(e.why)} at ${secs(t)}`,
        );
        break;
      case "partition": {
        if (partition !== undefined) partition.end = t;
        const groups = Array.isArray(e.groups)
          ? (e.groups as unknown[]).map((g) => (Array.isArray(g) ? g.map((n) => lane(str(n))) : []))
          : [];
        partition = {
          start: Math.max(t, start),
          end,
          groups,
          summary: `partition at ${secs(t)}: ${groups.map((g) => `{${g.map((i) => lanes[i]).join(", ")}}`).join(" | ")}`,
        };
        partitions.push(partition);
        break;
      }
      case "heal":
        if (partition !== undefined) {
          partition.end = t;
          partition.summary += `, healed at ${secs(t)}`;
          partition = undefined;
        }
        break;
    }
  }
  for (const a of open.values()) {
    a.at = Math.max(end, a.sent);
    a.summary = describeMessage(a, lanes, sends.get(a.id), "");
  }
  for (const b of bars) {
    if (b.outcome === "open") {
      b.end = Math.max(b.end, b.start);
      b.summary = `${lanes[b.lane]}: LLM call from ${secs(b.start)}, still running at ${secs(b.end)}`;
    }
  }
  const counts = new Map<string, number>();
  for (const a of arrows) counts.set(a.kind, (counts.get(a.kind) ?? 0) + 1);
  const kinds = [...counts]
    .map(([kind, count]) => ({ kind, count }))
    .sort((a, b) => b.count - a.count || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
  return {
    lanes,
    start,
    end: Math.max(end, start),
    bars,
    arrows,
    marks,
    terms,
    partitions,
    kinds,
    events: shown.length,
    ...(note === undefined ? {} : { note }),
  };
}

function describeMessage(
  a: MessageArrow,
  lanes: readonly string[],
  send: { tokens: number; payload: string } | undefined,
  reason: string,
): string {
  const tokens = send?.tokens;
  const head = `${a.kind} #${a.id}: ${lanes[a.from]} → ${lanes[a.to]}, sent ${secs(a.sent)}`;
  const size = tokens !== undefined && Number.isFinite(tokens) ? `, ${tokens} tokens` : "";
  const held = a.heldAt === undefined ? "" : `, held by a partition at ${secs(a.heldAt)}`;
  const dup = a.duplicate ? " (duplicate)" : "";
  const fate =
    a.fate === "delivered"
      ? `, delivered ${secs(a.at)} (after ${secs(a.at - a.sent)})${dup}`
      : a.fate === "dropped"
        ? `, dropped ${secs(a.at)}${reason === "" ? "" : ` (${reason.replace(/_/g, " ")})`}`
        : ", still in flight";
  const payload = send === undefined || send.payload === "" ? "" : `\npayload: ${send.payload}`;
  return `${head}${size}${held}${fate}${payload}`;
}

function describeCall(e: TraceEvent, agent: string, bar: CallBar): string {
  const span = `${secs(bar.start)} → ${secs(bar.end)}`;
  if (bar.outcome === "cancelled") return `${agent}: LLM call ${span}, cancelled`;
  if (bar.outcome === "failed") {
    return `${agent}: LLM call ${span}, failed (${str(e.error)}) after ${str(e.attempts)} attempt(s)`;
  }
  const tokens = `${str(e.input_tokens)} in / ${str(e.output_tokens)} out tokens`;
  const cost = typeof e.cost_usd === "number" ? `, $${e.cost_usd.toFixed(5)}` : "";
  const answer = `answer ${str(e.answer)} (${e.correct ? "correct" : "wrong"})`;
  const extra = `${e.straggler ? ", straggler" : ""}${num(e.attempts) > 1 ? `, ${str(e.attempts)} attempts` : ""}`;
  return `${agent}: LLM call ${span}: ${answer}, ${tokens}${cost}${extra}`;
}
