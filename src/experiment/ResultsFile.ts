import {
  closeSync,
  existsSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readFileSync,
  renameSync,
  writeFileSync,
  writeSync,
} from "node:fs";

/** A parsed line of results.jsonl: its (point, replicate) key and its text. */
export interface ResultLine {
  point: number;
  replicate: number;
  text: string;
}

/**
 * Reads results.jsonl: every complete line. A last line without its newline, or
 * one that does not parse, is what a killed writer left half-written: it is
 * dropped and `validBytes` says where the complete lines end.
 */
export function readResults(file: string): { lines: ResultLine[]; validBytes: number } {
  if (!existsSync(file)) return { lines: [], validBytes: 0 };
  const buf = readFileSync(file);
  const lines: ResultLine[] = [];
  let start = 0;
  let validBytes = 0;
  while (start < buf.length) {
    const nl = buf.indexOf(10, start);
    if (nl < 0) break;
    const text = buf.subarray(start, nl).toString("utf8");
    let parsed: { point?: unknown; replicate?: unknown };
    try {
      parsed = JSON.parse(text);
    } catch {
      break;
    }
    if (typeof parsed.point !== "number" || typeof parsed.replicate !== "number") break;
    lines.push({ point: parsed.point, replicate: parsed.replicate, text });
    start = nl + 1;
    validBytes = start;
  }
  return { lines, validBytes };
}

/** Appends results lines to a file, flushed to disk in batches (fsync at most every `syncMs`). */
export class ResultsAppender {
  private readonly fd: number;
  private lastSync = 0;
  private pending = 0;

  /** Opens `file` for appending, first cutting it to `validBytes` (dropping a half-written line). */
  constructor(
    file: string,
    validBytes: number,
    private readonly syncMs = 1000,
    private readonly now: () => number = Date.now,
  ) {
    this.fd = openSync(file, existsSync(file) ? "r+" : "w");
    ftruncateSync(this.fd, validBytes);
    this.position = validBytes;
    this.lastSync = this.now();
  }

  private position: number;

  /** Writes one line (a single write call, so a kill leaves at most one partial line). */
  append(text: string): void {
    this.appendAll([text]);
  }

  /** Writes lines in a single write call (a kill leaves whole lines and at most one partial one). */
  appendAll(texts: readonly string[]): void {
    if (texts.length === 0) return;
    const bytes = Buffer.from(`${texts.join("\n")}\n`, "utf8");
    let written = 0;
    while (written < bytes.length)
      written += writeSync(
        this.fd,
        bytes,
        written,
        bytes.length - written,
        this.position + written,
      );
    this.position += written;
    this.pending += texts.length;
    if (this.now() - this.lastSync >= this.syncMs) this.sync();
  }

  /** Forces the written lines to disk. */
  sync(): void {
    if (this.pending > 0) fsyncSync(this.fd);
    this.pending = 0;
    this.lastSync = this.now();
  }

  /** Syncs and closes. */
  close(): void {
    this.sync();
    closeSync(this.fd);
  }
}

/** Writes a file atomically: to a temporary file beside it, then renamed into place. */
export function writeFileAtomic(file: string, text: string | Uint8Array): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  const fd = openSync(tmp, "r");
  fsyncSync(fd);
  closeSync(fd);
  renameSync(tmp, file);
}
