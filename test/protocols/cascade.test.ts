import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compareLaw } from "../../src/experiment/compareLaw.js";
import { runScenario } from "../../src/experiment/runScenario.js";
import { loadScenario } from "../../src/scenario/loadScenario.js";

const ROOT = join(import.meta.dirname, "../..");
const FILE = join(ROOT, "scenarios/cascade.yaml");
const run = (sets: string[] = []) => runScenario(loadScenario(FILE, { sets })).report.summary;

describe("cascade", () => {
  it("scenarios/cascade.yaml: within 2 points of the strong model's accuracy at well under its cost", () => {
    const cascade = run();
    const strong = run(["agents=[{model: claude-sonnet-4-6, count: 1}]"]);
    const cheap = run(["agents=[{model: llama-3-70b, count: 1}]"]);
    expect(cascade.accuracy.mean).toBeGreaterThan(strong.accuracy.mean - 0.02);
    expect(cascade.accuracy.mean).toBeGreaterThan(cheap.accuracy.mean + 0.2);
    expect(cascade.cost_usd.mean).toBeLessThan(0.6 * strong.cost_usd.mean);
    expect(cascade.violations).toBe(0);
  });

  it("agrees with the cascade law under compare (one stage, then two)", () => {
    const r = compareLaw(loadScenario(FILE, { sets: ["replicates=60"] }), "cascade");
    expect(r.points.map((p) => p.n)).toEqual([1, 2]);
    expect(r.agree).toBe(true);
  });

  it("threshold 0 never escalates; threshold 1 always does", () => {
    const never = run(["team.threshold=0", "replicates=20"]);
    const cheap = run(["agents=[{model: llama-3-70b, count: 1}]", "replicates=20"]);
    expect(never.accuracy.mean).toBe(cheap.accuracy.mean);
    const always = run(["team.threshold=1", "replicates=20"]);
    // Every item pays both stages: twice as many calls as items.
    expect(always.calls.mean).toBeGreaterThanOrEqual(200);
  });

  it("a verifier that catches every wrong answer lifts accuracy to the strong model's on what it passes", () => {
    const base = run(["team.threshold=0", "replicates=20"]);
    const checked = run([
      "team.threshold=0",
      "team.verifier={catch_probability: 1, false_rejection: 0}",
      "replicates=20",
    ]);
    expect(checked.accuracy.mean).toBeGreaterThan(base.accuracy.mean + 0.3);
  });
});
