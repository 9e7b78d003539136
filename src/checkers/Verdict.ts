/** The result of one safety or liveness check over a run. */
export interface Verdict {
  check: string;
  ok: boolean;
  /** What went wrong (first offending item), when not ok. */
  detail?: string;
  /** For a passing liveness verdict: nothing was owed ("n/a") or the run ended too early to tell. */
  note?: "n/a" | "inconclusive";
}
