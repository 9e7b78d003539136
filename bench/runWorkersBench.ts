import { spawn } from "node:child_process";
import { join } from "node:path";
import { runScenario } from "../src/experiment/runScenario.js";
import { runScenarioOnPool } from "../src/experiment/runScenarioOnPool.js";
import { loadScenario } from "../src/scenario/loadScenario.js";
import { packageRoot } from "../src/scenario/packageRoot.js";

// The job: gossip's scenario with 250 questions instead of 100, so that a
// replicate takes ~50 ms of one core (the shipped scenarios take 0.3 to 25 ms
// each; gossip is the slowest) and 200 replicates ~10 s.
const SCENARIO = "scenarios/gossip.yaml";
const SETS = ["task.items=250"];

/** What `run --workers 2` gains over one worker, and what two separate processes gain. */
export interface RunWorkersSpeedup {
  scenario: string;
  replicates: number;
  /** Rounds of the CLI trio (medians are reported). */
  reps: number;
  /** In this process: runScenario in this thread (`run --workers 1`), then on a pool of 2. */
  seconds_1: number;
  seconds_2: number;
  /** seconds_1 / seconds_2. */
  speedup: number;
  /** The two reports are byte-identical, and so are the two CLI outputs. */
  same_output: boolean;
  /** The CLI (a fresh process each, start-up included): `run --workers 1` and `--workers 2` (medians). */
  cli_seconds_1: number;
  cli_seconds_2: number;
  cli_speedup: number;
  /** Two CLI processes of half the replicates each, started together (wall time of both). */
  two_process_seconds: number;
  /** One process doing all the replicates over two doing half each (median of the rounds' ratios). */
  two_process_speedup: number;
  node: string;
}

function seconds(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e9;
}

const round = (x: number, digits = 3) => Number(x.toFixed(digits));

/** Runs `teamsim run SCENARIO` with `args` in a fresh process; resolves with its stdout. */
function cli(args: string[]): Promise<string> {
  const root = packageRoot();
  const child = spawn(
    process.execPath,
    [join(root, "bin/teamsim.js"), "run", join(root, SCENARIO), "--json", "-q", "-y", ...args],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  let out = "";
  child.stdout.on("data", (d) => {
    out += d;
  });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve(out) : reject(new Error(`teamsim run ${args.join(" ")}: exit ${code}`)),
    );
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * Times a run of `replicates` (default 200) replicates with one worker and
 * with two, in this process and through the CLI, and two CLI processes of
 * half the replicates each started together: the target is `run --workers 2`
 * at least as fast, relative to one worker, as the two processes. The CLI
 * trio runs `reps` times (default 3), interleaved, and each ratio is the
 * median of its per-round ratios: on this VM one round's ratios swing by a
 * third (two processes measured 0.97× and 2.0× on the same day).
 */
export async function runWorkersSpeedup(
  opts: { replicates?: number; reps?: number } = {},
): Promise<RunWorkersSpeedup> {
  const replicates = opts.replicates ?? 200;
  const reps = opts.reps ?? 3;
  const sets = [...SETS, `replicates=${replicates}`];
  const loaded = loadScenario(join(packageRoot(), SCENARIO), { sets });
  // Each starts cold, as a command does: this thread's code is compiled on the
  // way, and so is each worker's.
  let t0 = process.hrtime.bigint();
  const one = JSON.stringify(runScenario(loaded).report);
  const seconds_1 = seconds(t0);
  t0 = process.hrtime.bigint();
  const two = await runScenarioOnPool(loaded, { workers: 2 });
  const seconds_2 = seconds(t0);
  const setArgs = sets.flatMap((s) => ["--set", s]);
  // The same work split by hand: two processes, half the replicates each.
  const half = [...SETS, `replicates=${Math.ceil(replicates / 2)}`].flatMap((s) => ["--set", s]);
  const c1: number[] = [];
  const c2: number[] = [];
  const tp: number[] = [];
  let same = one === JSON.stringify(two.report);
  for (let r = 0; r < reps; r++) {
    t0 = process.hrtime.bigint();
    const cliOne = await cli([...setArgs, "--workers", "1"]);
    c1.push(seconds(t0));
    t0 = process.hrtime.bigint();
    const cliTwo = await cli([...setArgs, "--workers", "2"]);
    c2.push(seconds(t0));
    same &&= cliOne === cliTwo;
    t0 = process.hrtime.bigint();
    await Promise.all([cli(half), cli(half)]);
    tp.push(seconds(t0));
  }
  return {
    scenario: `${SCENARIO} ${SETS.join(" ")}`,
    replicates,
    reps,
    seconds_1: round(seconds_1),
    seconds_2: round(seconds_2),
    speedup: round(seconds_1 / seconds_2),
    same_output: same,
    cli_seconds_1: round(median(c1)),
    cli_seconds_2: round(median(c2)),
    cli_speedup: round(median(c1.map((x, i) => x / c2[i]))),
    two_process_seconds: round(median(tp)),
    two_process_speedup: round(median(c1.map((x, i) => x / tp[i]))),
    node: process.version,
  };
}
