import type { Outcome } from "./runCli.js";

/** What every case must satisfy, and the bounds it runs under. */
export interface Expectation {
  /** The document is valid: exit 0 is the only right answer. */
  valid: boolean;
  /** Wall-time bound of one case, in milliseconds. */
  maxMs: number;
  /** Heap bound after one case, in MiB. */
  maxHeapMb: number;
  /** `run --json`: stdout on success must be one JSON document. */
  json: boolean;
}

const STACK = /\n[ \t]+at /;

/**
 * The invariants a command line must keep, as a list of broken ones (empty: all
 * kept): exit 0 or 2, never 1; no stack trace; an exit 2 prints exactly one line,
 * starting "teamsim: "; bounded time and memory; a valid document succeeds.
 */
export function problemsOf(o: Outcome, e: Expectation): string[] {
  const problems: string[] = [];
  // Killed: no exit code to judge.
  if (o.killed !== undefined) problems.push(`killed: ${o.killed}`);
  else if (o.code === "threw") problems.push("main threw");
  else if (o.code === 1) problems.push("exit 1");
  else if (o.code !== 0 && o.code !== 2) problems.push(`exit ${o.code}`);
  // /\n\s+at / as a stack trace looks; \s would also span newlines, quadratic
  // on an output of a hundred thousand of them.
  if (STACK.test(o.stderr) || STACK.test(o.stdout)) problems.push("stack trace");
  // Node's own warnings reach the user's terminal as "(node:PID) ..." lines.
  if (/^\(node:\d+\) /m.test(o.stderr)) problems.push("node warning on stderr");
  if (o.code === 2) {
    const lines = o.stderr.replace(/\n$/, "").split("\n");
    if (lines.length !== 1) problems.push(`exit 2 with ${lines.length} lines on stderr`);
    if (!lines[0].startsWith("teamsim: ")) problems.push('exit 2 without "teamsim: "');
  }
  if (o.killed === undefined && o.ms > e.maxMs) problems.push(`slow (over ${e.maxMs} ms)`);
  if (o.heapMb > e.maxHeapMb) problems.push(`heap over ${e.maxHeapMb} MiB`);
  if (e.valid && o.code !== 0 && o.killed === undefined) problems.push("valid document refused");
  if (e.json && o.code === 0) {
    try {
      JSON.parse(o.stdout);
    } catch {
      problems.push("run --json printed no JSON document");
    }
  }
  return problems;
}

/**
 * The first line of stderr blurred (the case directory, quoted text, numbers,
 * the text of a --set, whatever follows "found"), so failures of one cause group together.
 */
export function shape(stderr: string, tmp: string): string {
  // Cut first: the patterns below are quadratic on a megabyte of quotes.
  const first = (stderr.split("\n", 50).find((l) => l.trim() !== "") ?? "").slice(0, 400);
  return first
    .split(tmp)
    .join("$TMP")
    .replace(/\$TMP\/c[^/ :]*\/[^:]*/g, "$FILE")
    .replace(/^teamsim: --set [^:]*/, "teamsim: --set …")
    .replace(/, found .*/, ", found …")
    .replace(/"(?:[^"\\]|\\.)*"/g, '"…"')
    .replace(/'[^']*'/g, "'…'")
    .replace(/\d+(\.\d+)?/g, "N")
    .slice(0, 160);
}
