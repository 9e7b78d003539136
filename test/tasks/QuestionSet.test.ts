import { describe, expect, it } from "vitest";
import { Rng } from "../../src/core/Rng.js";
import { QuestionSet } from "../../src/tasks/QuestionSet.js";

const base = { items: 20_000, choices: 4, prompt_tokens: { dist: "fixed" as const, value: 300 } };

describe("QuestionSet", () => {
  it("fixed difficulty gives every item the same p", () => {
    const q = new QuestionSet({ ...base, difficulty: { kind: "fixed", p: 0.7 } }, new Rng(1));
    expect(new Set(q.items.map((i) => i.pRef))).toEqual(new Set([0.7]));
    expect(q.items[0]).toMatchObject({ index: 0, choices: 4, promptTokens: 300 });
  });

  it("a mixture has the configured fraction of easy items", () => {
    const q = new QuestionSet(
      { ...base, difficulty: { kind: "mixture", easy_fraction: 0.6, p_easy: 0.9, p_hard: 0.2 } },
      new Rng(1),
    );
    const easy = q.items.filter((i) => i.pRef === 0.9).length / base.items;
    expect(Math.abs(easy - 0.6)).toBeLessThan(5 * Math.sqrt(0.24 / base.items));
  });

  it("beta difficulty has mean a/(a+b)", () => {
    const q = new QuestionSet({ ...base, difficulty: { kind: "beta", a: 2, b: 3 } }, new Rng(1));
    const mean = q.items.reduce((s, i) => s + i.pRef, 0) / base.items;
    const sd = Math.sqrt((2 * 3) / (25 * 6));
    expect(Math.abs(mean - 0.4)).toBeLessThan((5 * sd) / Math.sqrt(base.items));
  });

  it("the same seed draws the same items", () => {
    const d = { kind: "beta" as const, a: 2, b: 3 };
    expect(new QuestionSet({ ...base, difficulty: d }, new Rng(4)).items).toEqual(
      new QuestionSet({ ...base, difficulty: d }, new Rng(4)).items,
    );
  });
});
