/** One LLM call read from a trace: which model, how long it took, its tokens, whether it succeeded. */
export interface TraceCall {
  model: string;
  /** From request to reply (or to the error), in seconds. */
  latency_s: number;
  /** Prompt tokens, when the trace records them (or a per-call average of a run; see CallTrace.tokens). */
  input_tokens?: number;
  output_tokens?: number;
  /** false for a call that ended in an error. */
  ok: boolean;
}

/** The trace formats `teamsim calibrate` reads. */
export const TRACE_FORMATS = ["paper", "otlp", "jsonl"] as const;
/** One of TRACE_FORMATS. */
export type TraceFormat = (typeof TRACE_FORMATS)[number];

/** The calls of one input (a file or, for the paper layout, a directory), with what is known about them. */
export interface CallTrace {
  /** The path as given. */
  path: string;
  format: TraceFormat;
  calls: TraceCall[];
  /**
   * How token counts were recorded: per call, as per-call averages of whole runs
   * (the paper layout), or not at all.
   */
  tokens: "per-call" | "run-average" | "none";
  /** Whether a failed call would show (ok = false); the paper layout holds only completed replies. */
  recordsErrors: boolean;
  /** Caveats for the profile's sources (e.g. what was estimated or skipped). */
  notes: string[];
}

/** How token counts were recorded in `calls`: per call if any call has them, else none. */
export function tokenKind(calls: readonly TraceCall[]): "per-call" | "none" {
  return calls.some((c) => c.input_tokens !== undefined || c.output_tokens !== undefined)
    ? "per-call"
    : "none";
}
