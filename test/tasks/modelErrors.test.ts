import { describe, expect, it } from "vitest";
import { pearson } from "../../src/analytic/pearson.js";
import { Rng } from "../../src/core/Rng.js";
import { ModelErrorsSchema, modelErrors } from "../../src/tasks/modelErrors.js";

const config = (o: Record<string, unknown>) => ModelErrorsSchema.parse(o);

describe("modelErrors", () => {
  it("changes nothing (no draws) without noise or concentration", () => {
    expect(modelErrors(config({}), ["gpt-4o"], 10, new Rng(1))).toBeNull();
  });

  it("gives copies of a model one shift per item and different models correlation rho", () => {
    const items = 20_000;
    for (const rho of [0, 0.5, 1]) {
      const e = modelErrors(config({ model_noise: 2, rho }), ["a", "b", "a"], items, new Rng(3));
      const a = e?.get("a")?.shift as Float64Array;
      const b = e?.get("b")?.shift as Float64Array;
      expect(e?.size).toBe(2);
      // The sample correlation of 20,000 pairs has sd about (1 - rho^2)/sqrt(n) < 0.008.
      expect(Math.abs(pearson(a, b) - rho)).toBeLessThan(0.03);
      // sd of the shift is model_noise.
      const sd = Math.sqrt(a.reduce((s, x) => s + x * x, 0) / items);
      expect(Math.abs(sd - 2)).toBeLessThan(0.05);
    }
  });

  it("adding a model does not shift another model's draws", () => {
    const c = config({ model_noise: 1, rho: 0.3 });
    const one = modelErrors(c, ["a"], 50, new Rng(9))?.get("a")?.shift;
    const two = modelErrors(c, ["b", "a"], 50, new Rng(9))?.get("a")?.shift;
    expect(two).toEqual(one);
  });
});

describe("distractor concentration", () => {
  it("sends a share c + (1-c)/(k-1) of wrong answers to the item's distractor", async () => {
    const { World } = await import("../../src/runtime/World.js");
    const { getProtocol } = await import("../../src/protocols/registry.js");
    const { scenarioOf } = await import("../helpers.js");
    const share = (c: number) => {
      const loaded = scenarioOf({
        seed: 4,
        agents: { model: "gpt-4o", count: 1 },
        task: {
          items: 6000,
          choices: 4,
          difficulty: { kind: "fixed", p: 0.2 },
          errors: { distractor_concentration: c },
        },
      });
      const world = new World(loaded.scenario, loaded.profiles, 0, getProtocol("single"));
      world.run();
      const wrong = world.history.decisions.filter((d) => d.answer > 0);
      return wrong.filter((d) => d.answer === 1).length / wrong.length;
    };
    // About 4,800 wrong answers: the binomial sd of the share is under 0.007.
    expect(Math.abs(share(0) - 1 / 3)).toBeLessThan(0.025);
    expect(Math.abs(share(0.5) - (0.5 + 0.5 / 3))).toBeLessThan(0.025);
    expect(share(1)).toBe(1);
  });
});
