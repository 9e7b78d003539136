import { existsSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../core/InputError.js";
import { readCsvTable } from "./readCsvTable.js";

/** One run of the paper's experiment (runs.csv). */
export interface PaperRun {
  run_id: number;
  model: string;
  mode: string;
  task_suite: string;
  p: number;
  n_agents: number;
  rep: number;
  success: number;
  wall_clock_s: number;
  rounds: number;
  concurrent_writes: number;
  claims_blocked: number;
  input_tokens: number;
  output_tokens: number;
}

/** One LLM call (calls.csv): latency from the start of the round to the reply. */
export interface PaperCall {
  run_id: number;
  round: number;
  agent: string;
  latency_s: number;
}

/** One synchronous round (rounds.csv). */
export interface PaperRound {
  run_id: number;
  round: number;
  replies: number;
  claims: number;
  claims_blocked: number;
  completes: number;
  edits: number;
  tests_run: number;
  tests_failed: number;
}

/** The paper's data in its CSV layout: runs, calls and (optionally) rounds. */
export interface PaperData {
  dir: string;
  runs: PaperRun[];
  calls: PaperCall[];
  rounds: PaperRound[];
}

const RUN_COLUMNS = {
  run_id: "integer",
  model: "string",
  mode: "string",
  task_suite: "string",
  p: "number",
  n_agents: "integer",
  rep: "integer",
  success: "flag",
  wall_clock_s: "number",
  rounds: "integer",
  concurrent_writes: "integer",
  claims_blocked: "integer",
  input_tokens: "integer",
  output_tokens: "integer",
} as const;
const CALL_COLUMNS = {
  run_id: "integer",
  round: "integer",
  agent: "string",
  latency_s: "number",
} as const;
const ROUND_COLUMNS = {
  run_id: "integer",
  round: "integer",
  replies: "integer",
  claims: "integer",
  claims_blocked: "integer",
  completes: "integer",
  edits: "integer",
  tests_run: "integer",
  tests_failed: "integer",
} as const;

/**
 * Reads a directory in the layout of data/paper-llm-teams: runs.csv and
 * calls.csv (required) and rounds.csv (optional). Calls and rounds must refer
 * to runs in runs.csv; every problem names the file and line.
 */
export function readPaperData(dir: string): PaperData {
  const runsFile = join(dir, "runs.csv");
  if (!existsSync(runsFile)) {
    throw new InputError(
      dir,
      "",
      undefined,
      undefined,
      "a directory with runs.csv and calls.csv (the paper's layout)",
      "no runs.csv",
    );
  }
  const runs = readCsvTable(runsFile, RUN_COLUMNS).map((r) => {
    const run = r.cells as unknown as PaperRun;
    if (run.n_agents < 1) {
      throw new InputError(
        `${runsFile}:${r.line}`,
        "n_agents",
        undefined,
        undefined,
        "a team size >= 1",
        String(run.n_agents),
      );
    }
    if (run.p > 1)
      throw new InputError(
        `${runsFile}:${r.line}`,
        "p",
        undefined,
        undefined,
        "a fraction in [0, 1]",
        String(run.p),
      );
    return run;
  });
  const ids = new Set<number>();
  for (const r of runs) ids.add(r.run_id);
  const callsFile = join(dir, "calls.csv");
  const calls = readCsvTable(callsFile, CALL_COLUMNS).map((r) => {
    const call = r.cells as unknown as PaperCall;
    if (!ids.has(call.run_id)) {
      throw new InputError(
        `${callsFile}:${r.line}`,
        "run_id",
        undefined,
        undefined,
        "a run_id listed in runs.csv",
        String(call.run_id),
      );
    }
    return call;
  });
  const roundsFile = join(dir, "rounds.csv");
  const rounds = existsSync(roundsFile)
    ? readCsvTable(roundsFile, ROUND_COLUMNS).map((r) => {
        const round = r.cells as unknown as PaperRound;
        if (!ids.has(round.run_id)) {
          throw new InputError(
            `${roundsFile}:${r.line}`,
            "run_id",
            undefined,
            undefined,
            "a run_id listed in runs.csv",
            String(round.run_id),
          );
        }
        return round;
      })
    : [];
  return { dir, runs, calls, rounds };
}
