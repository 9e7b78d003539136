/** The result of one safety or liveness check over a run. */
export interface Verdict {
  check: string;
  ok: boolean;
  /** What went wrong (first offending item), when not ok. */
  detail?: string;
}
