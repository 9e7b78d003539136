import { readPaperData } from "./readPaperData.js";
import type { CallTrace, TraceCall } from "./TraceCall.js";

/**
 * The calls of a directory in the paper's layout (runs.csv + calls.csv, as in
 * data/paper-llm-teams): latency from calls.csv, the model from the call's run.
 * calls.csv has no tokens per call, so each call gets its run's input and
 * output tokens divided by the run's number of calls (an average, which hides
 * the per-call spread); it holds only completed replies, so every call is ok
 * and the failure rate is unknown.
 */
export function readPaperCalls(dir: string): CallTrace {
  const data = readPaperData(dir);
  const callsPerRun = new Map<number, number>();
  for (const c of data.calls) callsPerRun.set(c.run_id, (callsPerRun.get(c.run_id) ?? 0) + 1);
  const runs = new Map(data.runs.map((r) => [r.run_id, r]));
  const calls: TraceCall[] = data.calls.map((c) => {
    // readPaperData checked that every call's run exists.
    const run = runs.get(c.run_id) as (typeof data.runs)[number];
    const k = callsPerRun.get(c.run_id) ?? 1;
    return {
      model: run.model,
      latency_s: c.latency_s,
      input_tokens: run.input_tokens / k,
      output_tokens: run.output_tokens / k,
      ok: true,
    };
  });
  return {
    path: dir,
    format: "paper",
    calls,
    tokens: "run-average",
    recordsErrors: false,
    notes: [],
  };
}
