import { closeSync, openSync, readSync, statSync } from "node:fs";
import { extname } from "node:path";
import { InputError } from "../core/InputError.js";
import { readJsonlCalls } from "./readJsonlCalls.js";
import { readOtlpCalls } from "./readOtlpCalls.js";
import { readPaperCalls } from "./readPaperCalls.js";
import type { CallTrace, TraceFormat } from "./TraceCall.js";

/**
 * The format of `path` when none is given: a directory is the paper's layout;
 * a file is OTLP when its first JSON object has `resourceSpans`, a JSONL call
 * log when it has `latency_s`; failing that, .json means OTLP and .jsonl /
 * .ndjson a call log. Anything else is an InputError asking for --format.
 */
export function detectTraceFormat(path: string): TraceFormat {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    throw new InputError(
      path,
      "",
      undefined,
      undefined,
      "a trace file or a directory",
      "no such file or directory",
    );
  }
  if (isDir) return "paper";
  const head = readHead(path, 64 * 1024);
  const key = /"(resourceSpans|latency_s)"\s*:/.exec(head)?.[1];
  if (key === "resourceSpans") return "otlp";
  if (key === "latency_s") return "jsonl";
  const ext = extname(path).toLowerCase();
  if (ext === ".json") return "otlp";
  if (ext === ".jsonl" || ext === ".ndjson") return "jsonl";
  throw new InputError(
    path,
    "",
    undefined,
    undefined,
    "a directory in the paper's layout, OTLP/JSON spans or a JSONL call log (or say which with --format paper|otlp|jsonl)",
    head.trim() === ""
      ? "an empty file"
      : "neither resourceSpans nor latency_s in its first 64 KiB",
  );
}

// The first `bytes` of a file as text (enough to recognize its format).
function readHead(path: string, bytes: number): string {
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.alloc(bytes);
    const n = readSync(fd, buf, 0, bytes, 0);
    return buf.subarray(0, n).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

/** Reads the calls of `path` in `format` (detected when omitted). */
export function readCallTrace(
  path: string,
  format: TraceFormat = detectTraceFormat(path),
): CallTrace {
  switch (format) {
    case "paper":
      return readPaperCalls(path);
    case "otlp":
      return readOtlpCalls(path);
    case "jsonl":
      return readJsonlCalls(path);
  }
}
