import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runSweep } from "../src/experiment/runSweep.js";
import { sweepAxes } from "../src/experiment/SweepAxis.js";
import { buildSweepManifest, type SweepManifest } from "../src/experiment/SweepManifest.js";
import { type SweepPlan, sweepPlan } from "../src/experiment/SweepPlan.js";
import { loadScenario } from "../src/scenario/loadScenario.js";

/** What the sweep benchmark measured (median runs/s of each worker count). */
export interface SweepBenchResult {
  benchmark: "sweep";
  scenario: string;
  points: number;
  replicates: number;
  runs: number;
  reps: number;
  runs_per_s_1_worker: number;
  runs_per_s_2_workers: number;
  ratio: number;
  same_results: boolean;
  node: string;
}

/** The plan and manifest of a scenario's sweep block with `replicates` overridden. */
function planOf(
  scenarioFile: string,
  replicates: number,
): { plan: SweepPlan; manifest: SweepManifest } {
  const loaded = loadScenario(scenarioFile, { sets: [`replicates=${replicates}`] });
  const axes = sweepAxes(loaded.scenario.sweep, []);
  const plan = sweepPlan(loaded, axes);
  const manifest = buildSweepManifest(loaded, axes, plan, {
    shard: null,
    command: ["bench", "sweep"],
  });
  return { plan, manifest };
}

/**
 * Times one whole runSweep call into a fresh directory: pool start-up and
 * shut-down (for >1 worker), the runs, appending results.jsonl and writing the
 * summaries. Returns runs/s and the summary CSV (to check that both agree).
 */
async function timeSweep(
  p: { plan: SweepPlan; manifest: SweepManifest },
  workers: number,
): Promise<{ perS: number; summary: string }> {
  const dir = mkdtempSync(join(tmpdir(), "teamsim-bench-sweep-"));
  try {
    const t0 = process.hrtime.bigint();
    const outcome = await runSweep({ dir, ...p, shard: undefined, workers, resume: false });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    return { perS: outcome.ran / seconds, summary: readFileSync(join(dir, "summary.csv"), "utf8") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Sweep throughput with 1 and with 2 workers, interleaved repetitions, medians. */
export async function sweepBench(
  scenarioFile: string,
  replicates: number,
  reps: number,
): Promise<SweepBenchResult> {
  const p = planOf(scenarioFile, replicates);
  // Warm-up: a small sweep in this thread so the 1-worker runs start JIT-compiled
  // (each pool worker compiles its own code: that is part of the 2-worker cost).
  await timeSweep(planOf(scenarioFile, 1), 1);
  const one: number[] = [];
  const two: number[] = [];
  let same = true;
  for (let r = 0; r < reps; r++) {
    const a = await timeSweep(p, 1);
    const b = await timeSweep(p, 2);
    one.push(a.perS);
    two.push(b.perS);
    same &&= a.summary === b.summary;
  }
  const r1 = median(one);
  const r2 = median(two);
  return {
    benchmark: "sweep",
    scenario: p.manifest.scenario_name,
    points: p.manifest.points,
    replicates,
    runs: p.manifest.tasks,
    reps,
    runs_per_s_1_worker: Math.round(r1),
    runs_per_s_2_workers: Math.round(r2),
    ratio: Number((r2 / r1).toFixed(3)),
    same_results: same,
    node: process.version,
  };
}
