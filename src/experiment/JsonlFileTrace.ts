import { closeSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { isOsError, osInputError } from "../core/osError.js";
import type { Trace, TraceEvent } from "../core/Trace.js";
import { checkOutputFile } from "./outputPath.js";

const FLUSH_BYTES = 1 << 16;

// Temporary files of traces still being written: removed if the process exits
// before they are renamed into place (process.exit on a closed pipe, a signal
// handler's exit), so no `*.tmp` is left behind.
const pending = new Set<string>();
let exitHook = false;

function removePending(): void {
  for (const tmp of pending) {
    try {
      unlinkSync(tmp);
    } catch {
      // Already gone: nothing to clean.
    }
  }
  pending.clear();
}

/**
 * Streams trace events as JSON lines to a temporary file next to `path`, renamed
 * into place by `close()`, so a crashed run never leaves a half-written trace.
 * `label` names the path in errors (e.g. `--trace t.jsonl`): a directory, a
 * missing directory or an unwritable place is an InputError before the run.
 */
export class JsonlFileTrace implements Trace {
  readonly enabled = true;
  private readonly tmp: string;
  private readonly fd: number;
  private buffer = "";
  private closed = false;

  constructor(
    readonly path: string,
    private readonly label: string = path,
  ) {
    checkOutputFile(path, label);
    this.tmp = `${path}.${process.pid}.tmp`;
    try {
      this.fd = openSync(this.tmp, "w");
    } catch (e) {
      if (isOsError(e)) throw osInputError(label, "a file teamsim can write", e);
      throw e;
    }
    pending.add(this.tmp);
    if (!exitHook) {
      process.once("exit", removePending);
      exitHook = true;
    }
  }

  /** Appends one event as a JSON line. */
  record(event: TraceEvent): void {
    this.buffer += `${JSON.stringify(event)}\n`;
    if (this.buffer.length >= FLUSH_BYTES) this.flush();
  }

  private flush(): void {
    if (this.buffer.length > 0) {
      try {
        writeSync(this.fd, this.buffer);
      } catch (e) {
        // A full disk mid-run: drop the partial trace and name the flag.
        this.abort();
        if (isOsError(e)) throw osInputError(this.label, "a file teamsim can write", e);
        throw e;
      }
      this.buffer = "";
    }
  }

  /** Flushes, closes and renames the file into place (the temporary file is removed if that fails). */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    try {
      closeSync(this.fd);
      renameSync(this.tmp, this.path);
      pending.delete(this.tmp);
    } catch (e) {
      this.removeTmp();
      if (isOsError(e)) throw osInputError(this.label, "a file teamsim can write", e);
      throw e;
    }
  }

  /** Closes and deletes the temporary file (on error). */
  abort(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      closeSync(this.fd);
    } finally {
      this.removeTmp();
    }
  }

  private removeTmp(): void {
    pending.delete(this.tmp);
    try {
      unlinkSync(this.tmp);
    } catch {
      // Never created or already removed.
    }
  }
}
