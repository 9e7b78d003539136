import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { tooDeepOffset } from "../../src/scenario/tooDeepOffset.js";

describe("tooDeepOffset", () => {
  it("accepts nesting up to the limit and finds the first level past it", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 0, max: 120 }),
        fc.constantFrom("[", "{"),
        (max, depth, open) => {
          const close = open === "[" ? "]" : "}";
          const text = `a: ${open.repeat(depth)}1${close.repeat(depth)}\n`;
          const at = tooDeepOffset(text, max);
          if (depth <= max) expect(at).toBeUndefined();
          else expect(at).toBe(3 + max);
        },
      ),
      { seed: 1, numRuns: 300 },
    );
  });

  it("counts closed lists as closed: many shallow lists are fine", () => {
    expect(tooDeepOffset("a: [[1]]\n".repeat(10_000), 2)).toBeUndefined();
  });

  it("counts a line's chain of block indicators ('- - - x') and starts again each line", () => {
    expect(tooDeepOffset("- - - x\n", 3)).toBeUndefined();
    expect(tooDeepOffset("- - - - x\n", 3)).toBe(6);
    expect(tooDeepOffset("- - x\n- - x\n- - x\n", 2)).toBeUndefined();
    expect(tooDeepOffset("? ? ? x\n", 2)).toBe(4);
    // A dash inside a word or a negative number opens nothing.
    expect(tooDeepOffset("- -1\n- a-b\n", 1)).toBeUndefined();
  });
});
