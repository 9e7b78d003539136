import { parse, parseDocument } from "yaml";
import type { FuzzCase, Json } from "./arbitraries.js";

// The largest value of each size-like field a case run inside the test process
// may have: past these, a run (or even `validate`, which builds replicate 0's
// task) costs seconds and memory, which is the huge family's business, run in
// a child process that can be killed. Keys are field names wherever they occur.
const SIZE_LIMITS: Record<string, number> = {
  replicates: 5,
  count: 16,
  items: 60,
  subtasks: 60,
  width: 8,
  stages: 4,
  layers: 5,
  rounds: 6,
  quiet_rounds: 6,
  max_rounds: 50,
  depth: 4,
  branching: 8,
  pick_window: 16,
  choices: 1000,
  max_uncommitted: 1000,
  max_batch: 1000,
  quorum: 16,
  f: 5,
};

// The event budget a `run` in the test process must set (max_events): a
// livelock then ends there instead of at the default of 50 million events.
const MAX_RUN_EVENTS = 100_000;

function tooBig(v: unknown, key: string | undefined, depth = 0): boolean {
  if (depth > 200) return false;
  if (typeof v === "number" && key !== undefined && key in SIZE_LIMITS)
    return Math.abs(v) > SIZE_LIMITS[key];
  if (Array.isArray(v)) return v.length > 2000 || v.some((x) => tooBig(x, key, depth + 1));
  if (v !== null && typeof v === "object")
    return Object.entries(v).some(([k, x]) => tooBig(x, k, depth + 1));
  return false;
}

// The document as the CLI will see it, or undefined if it will not parse (then
// the CLI stops at the parse error, which is cheap).
function documentOf(c: FuzzCase): Json | undefined {
  let text: string;
  if ("text" in c.file) text = c.file.text;
  else if ("bytes" in c.file) text = Buffer.from(c.file.bytes).toString("utf8");
  else return undefined;
  // Long files here are the generators' long strings, deep nesting and many
  // keys, with no large count in them; parsing them twice would double their cost.
  if (text.length > 20_000) return undefined;
  try {
    // Silent: the yaml package's warnings go through process.emitWarning, where
    // the next case's capture would take them for the CLI's.
    const doc = parseDocument(text, { uniqueKeys: true, logLevel: "silent" });
    if (doc.errors.length > 0) return undefined;
    return doc.toJS({ maxAliasCount: 100 }) as Json;
  } catch {
    return undefined;
  }
}

/** The `--set` values of a case's flags, by the last segment of their path. */
function overrides(args: readonly string[]): { key: string; value: unknown }[] {
  const out: { key: string; value: unknown }[] = [];
  args.forEach((a, i) => {
    const next = args[i + 1];
    if (a !== "--set" || next === undefined) return;
    const eq = next.indexOf("=");
    if (eq <= 0) return;
    const key = next.slice(0, eq).trim().split(".").pop() ?? "";
    try {
      out.push({ key, value: parse(next.slice(eq + 1), { logLevel: "silent" }) });
    } catch {
      // The CLI rejects it before anything runs.
    }
  });
  return out;
}

/**
 * Whether a case is cheap enough to run inside the test process: no size-like
 * field (in the file or a `--set`) past its limit, and for `run` an explicit
 * event budget (a livelock then ends at max_events instead of after minutes).
 * Others are left to the huge family, whose child process can be killed.
 */
export function cheapEnough(c: FuzzCase): boolean {
  const doc = documentOf(c);
  const sets = overrides(c.args);
  if (tooBig(doc, undefined)) return false;
  if (sets.some(({ key, value }) => tooBig(value, key) || tooBig({ [key]: value }, undefined)))
    return false;
  if (c.command !== "run") return true;
  let maxEvents = (doc as { max_events?: unknown } | undefined)?.max_events;
  for (const s of sets) if (s.key === "max_events") maxEvents = s.value;
  // Left out, the default (50 million) applies; not a number, validation stops it.
  if (maxEvents === undefined) return false;
  return typeof maxEvents !== "number" || maxEvents <= MAX_RUN_EVENTS;
}
