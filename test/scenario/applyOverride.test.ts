import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { scenarioOf } from "../helpers.js";

describe("--set overrides (property)", () => {
  it("any valid count, seed and probability set from the command line is what the scenario holds", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (count, seed, p) => {
          const { scenario } = scenarioOf({ agents: { count: 3 } }, [
            `agents.count=${count}`,
            `seed=${seed}`,
            `task.difficulty={kind: fixed, p: ${p}}`,
          ]);
          expect(scenario.agents.count).toBe(count);
          expect(scenario.seed).toBe(seed);
          expect(scenario.task.difficulty).toEqual({ kind: "fixed", p });
        },
      ),
      { numRuns: 50 },
    );
  });

  it("later overrides win", () => {
    expect(scenarioOf({}, ["agents.count=2", "agents.count=4"]).scenario.agents.count).toBe(4);
  });
});
