import { main } from "../../../src/cli/main.js";

/** What one command line did: exit code, both streams, wall time and the heap after it. */
export interface Outcome {
  /** main's exit code, or "threw" when main itself rejected (it must never). */
  code: number | "threw";
  stdout: string;
  stderr: string;
  ms: number;
  heapMb: number;
  /** "timeout" or "out of memory" when the case had to be killed (huge family only). */
  killed?: string;
}

// Enough to check the invariants; a case printing more is cut, not held in memory.
const MAX_CAPTURE = 1 << 20;

type Write = typeof process.stdout.write;

// Replaces `stream.write` with one that appends to `sink` (and calls any
// callback, as a real write would); returns the original to restore.
function capture(stream: NodeJS.WriteStream, sink: { text: string }): Write {
  const original = stream.write;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (sink.text.length < MAX_CAPTURE) {
      sink.text += typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString();
    }
    const cb = rest.find((r) => typeof r === "function") as (() => void) | undefined;
    cb?.();
    return true;
  }) as Write;
  return original;
}

/** A process warning as node prints it: `(node:PID) [CODE] Name: message`. */
export function nodeWarning(w: Error & { code?: string }): string {
  return `(node:${process.pid}) ${w.code ? `[${w.code}] ` : ""}${w.name}: ${w.message}\n`;
}

/** Runs `teamsim ...argv` in this process (src/, through vitest), capturing stdout and stderr. */
export async function runInProcess(argv: readonly string[]): Promise<Outcome> {
  // Warnings the test itself caused (the generators use the yaml package too)
  // are delivered first, to node's printer, so they are not taken for the CLI's.
  await new Promise((resolve) => setImmediate(resolve));
  const out = { text: "" };
  const err = { text: "" };
  const stdoutWrite = capture(process.stdout, out);
  const stderrWrite = capture(process.stderr, err);
  // Node prints process warnings (the yaml package emits some) to stderr on a
  // later tick; the real CLI's user sees them, so they count as stderr here.
  const warnings: Error[] = [];
  const onWarning = (w: Error) => warnings.push(w);
  // Node's own printer is set aside meanwhile, so the test's output stays readable.
  const printers = process.listeners("warning");
  process.removeAllListeners("warning");
  process.on("warning", onWarning);
  const start = performance.now();
  let code: number | "threw";
  try {
    code = await main(argv);
    await new Promise((resolve) => setImmediate(resolve));
  } catch (e) {
    code = "threw";
    err.text += `[main threw] ${(e as Error)?.stack ?? String(e)}\n`;
  } finally {
    process.stdout.write = stdoutWrite;
    process.stderr.write = stderrWrite;
    process.off("warning", onWarning);
    for (const p of printers) process.on("warning", p);
  }
  for (const w of warnings) err.text += nodeWarning(w);
  const ms = performance.now() - start;
  const heapMb = process.memoryUsage().heapUsed / 2 ** 20;
  return { code, stdout: out.text, stderr: err.text, ms, heapMb };
}
