import { constants } from "node:os";

/** The signals a long command stops on: Ctrl-C, and `kill` (a scheduler's time limit, a container's stop). */
export const INTERRUPTS = ["SIGINT", "SIGTERM"] as const;
/** One of INTERRUPTS. */
export type Interrupt = (typeof INTERRUPTS)[number];

/** The exit status of a command stopped by `signal`, as a shell reports it: 128 + its number (130, 143). */
export function interruptExitCode(signal: Interrupt): number {
  return 128 + constants.signals[signal];
}

/** Shows the terminal's cursor again (a progress bar hides it) when stderr is a terminal. */
export function restoreTerminal(): void {
  if (process.stderr.isTTY) process.stderr.write("\x1b[?25h");
}

/**
 * Runs `job` with SIGINT and SIGTERM turned into an abort: the first one
 * aborts the job's signal, and the job stops at its next safe point with what
 * it did saved; a second one (the user insisting) restores the terminal, runs
 * `cleanup` and exits at once with 130 or 143. Returns the job's value and the
 * signal that stopped it, if one did. Only for jobs that yield to the event
 * loop: a synchronous loop never sees the handlers run, and would instead
 * ignore Ctrl-C until it ends.
 */
export async function withInterrupts<T>(
  job: (signal: AbortSignal) => Promise<T>,
  cleanup: () => void = () => {},
): Promise<{ value: T; interrupted: Interrupt | undefined }> {
  const controller = new AbortController();
  let caught: Interrupt | undefined;
  const handlers = INTERRUPTS.map((name) => {
    const handler = () => {
      if (caught !== undefined) {
        restoreTerminal();
        cleanup();
        process.stderr.write(`\nteamsim: ${name} again: stopped at once\n`);
        process.exit(interruptExitCode(name));
      }
      caught = name;
      controller.abort(name);
    };
    process.on(name, handler);
    return [name, handler] as const;
  });
  try {
    const value = await job(controller.signal);
    return { value, interrupted: caught };
  } finally {
    for (const [name, handler] of handlers) process.off(name, handler);
  }
}

/** A command line as one can paste it into a POSIX shell: each word quoted if it needs to be. */
export function shellCommand(words: readonly string[]): string {
  return words
    .map((w) => (/^[A-Za-z0-9_./:=,+@%^-]+$/.test(w) ? w : `'${w.replaceAll("'", `'\\''`)}'`))
    .join(" ");
}
