import { closeSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import type { Trace, TraceEvent } from "../core/Trace.js";

const FLUSH_BYTES = 1 << 16;

/**
 * Streams trace events as JSON lines to a temporary file next to `path`, renamed
 * into place by `close()`, so a crashed run never leaves a half-written trace.
 */
export class JsonlFileTrace implements Trace {
  readonly enabled = true;
  private readonly tmp: string;
  private readonly fd: number;
  private buffer = "";
  private closed = false;

  constructor(readonly path: string) {
    this.tmp = `${path}.${process.pid}.tmp`;
    this.fd = openSync(this.tmp, "w");
  }

  /** Appends one event as a JSON line. */
  record(event: TraceEvent): void {
    this.buffer += `${JSON.stringify(event)}\n`;
    if (this.buffer.length >= FLUSH_BYTES) this.flush();
  }

  private flush(): void {
    if (this.buffer.length > 0) {
      writeSync(this.fd, this.buffer);
      this.buffer = "";
    }
  }

  /** Flushes, closes and renames the file into place. */
  close(): void {
    if (this.closed) return;
    this.flush();
    closeSync(this.fd);
    renameSync(this.tmp, this.path);
    this.closed = true;
  }

  /** Closes and deletes the temporary file (on error). */
  abort(): void {
    if (this.closed) return;
    closeSync(this.fd);
    unlinkSync(this.tmp);
    this.closed = true;
  }
}
