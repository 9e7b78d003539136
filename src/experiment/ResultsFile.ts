import { createHash } from "node:crypto";
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
import { METRICS } from "../metrics/RunResult.js";

/** A parsed line of results.jsonl: its (point, replicate) key and its text (as in the file, checksum included). */
export interface ResultLine {
  point: number;
  replicate: number;
  text: string;
  /** Its 1-based line number in the file it was read from. */
  line?: number;
}

/** A line of results.jsonl that cannot be kept: its 1-based line number and what is wrong with it. */
export interface ResultProblem {
  line: number;
  what: string;
  /** A last line without its newline: what a killed writer leaves, cut off by appending after validBytes. */
  tail?: boolean;
}

/** What readResults found in results.jsonl. */
export interface ResultsRead {
  /** The lines that can be trusted, in file order. */
  lines: ResultLine[];
  /** Where the complete lines (those ending in a newline) end: a half-written last line starts here. */
  validBytes: number;
  /** Lines dropped: tampered (checksum mismatch), corrupted, truncated, or malformed. */
  problems: ResultProblem[];
  /** Lines kept that have no checksum (written by a teamsim before checksums); --resume adds theirs. */
  unchecked: number;
}

// The checksum field closes every line: `,"sha256":"<16 hex>"}`.
const CHECKSUM = /,"sha256":"([0-9a-f]{16})"\}$/;

// The first 16 hex digits of the SHA-256 of a line's text without its checksum field.
function digest(body: string): string {
  return createHash("sha256").update(body, "utf8").digest("hex").slice(0, 16);
}

/**
 * A results line with its checksum: the JSON object `text` gets a last field
 * `"sha256"`, the first 16 hex digits of the SHA-256 of `text`, so a line
 * edited or cut short by anything but teamsim is caught on reading.
 */
export function withChecksum(text: string): string {
  return `${text.slice(0, -1)},"sha256":"${digest(text)}"}`;
}

/** A results line without its checksum field (the line itself if it has none). */
export function withoutChecksum(text: string): string {
  const m = CHECKSUM.exec(text);
  return m === null ? text : `${text.slice(0, m.index)}}`;
}

/**
 * Why a results line cannot be trusted, or undefined if it can: a checksum
 * that does not match, text that is not a JSON object, no integer point and
 * replicate, or (for a line without a checksum) a metric that is neither a
 * number nor null. `parsed` is set when it returns undefined.
 */
function lineProblem(
  text: string,
  out: { parsed?: Record<string, unknown>; checked?: boolean },
): string | undefined {
  const m = CHECKSUM.exec(text);
  if (m !== null && digest(`${text.slice(0, m.index)}}`) !== m[1])
    return "checksum mismatch (edited or corrupted)";
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return "not a JSON line (corrupted)";
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
    return "not a JSON object";
  const doc = parsed as Record<string, unknown>;
  for (const key of ["point", "replicate"]) {
    const v = doc[key];
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0)
      return `no ${key} number (found ${JSON.stringify(v) ?? "none"})`;
  }
  if (m === null) {
    // Without a checksum only the shape can be checked: a metric the summary
    // would read must be a number (or null for "not applicable"), never dropped.
    if (doc.params === null || typeof doc.params !== "object") return "no params object";
    for (const metric of METRICS) {
      const v = doc[metric];
      if (v !== null && typeof v !== "number")
        return `${metric} is ${JSON.stringify(v) ?? "missing"}, not a number`;
    }
  }
  out.parsed = doc;
  out.checked = m !== null;
  return undefined;
}

/**
 * Reads results.jsonl: every line that can be trusted, and what is wrong with
 * the others. A line with a checksum must match it; in a file that has
 * checksums, a line without one was edited; a file without any (written
 * before checksums) is read as it is, its metrics checked for type. A last
 * line without its newline is what a killed writer left half-written
 * (reported as truncated; `validBytes` says where the complete lines end).
 * Bad lines in the middle are reported and skipped, not the rest of the file.
 */
export function readResults(file: string): ResultsRead {
  if (!existsSync(file)) return { lines: [], validBytes: 0, problems: [], unchecked: 0 };
  const buf = readFileSync(file);
  const lines: (ResultLine & { checked: boolean; at: number })[] = [];
  const problems: ResultProblem[] = [];
  let start = 0;
  let n = 0;
  while (start < buf.length) {
    n++;
    const nl = buf.indexOf(10, start);
    if (nl < 0) {
      problems.push({ line: n, what: "truncated (no end of line: a write cut short)", tail: true });
      break;
    }
    const text = buf.subarray(start, nl).toString("utf8");
    start = nl + 1;
    const out: { parsed?: Record<string, unknown>; checked?: boolean } = {};
    const what = text === "" ? "an empty line" : lineProblem(text, out);
    if (what !== undefined || out.parsed === undefined) {
      problems.push({ line: n, what: what ?? "unreadable" });
      continue;
    }
    lines.push({
      point: out.parsed.point as number,
      replicate: out.parsed.replicate as number,
      text,
      checked: out.checked === true,
      at: n,
    });
  }
  const validBytes = buf.lastIndexOf(10) + 1;
  // A file that has checksums has them on every line: one without was edited.
  const checksummed = lines.some((l) => l.checked);
  const kept: ResultLine[] = [];
  let unchecked = 0;
  for (const l of lines) {
    if (checksummed && !l.checked) {
      problems.push({ line: l.at, what: "no checksum (edited)" });
      continue;
    }
    if (!l.checked) unchecked++;
    kept.push({ point: l.point, replicate: l.replicate, text: l.text, line: l.at });
  }
  problems.sort((a, b) => a.line - b.line);
  return { lines: kept, validBytes, problems, unchecked };
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
