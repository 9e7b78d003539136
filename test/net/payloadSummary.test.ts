import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { payloadSummary } from "../../src/net/payloadSummary.js";

describe("payloadSummary", () => {
  it("describes fields two levels deep, with the first items of arrays", () => {
    expect(payloadSummary({ term: 3, entries: [1, 2, 3, 4, 5, 6], ok: true })).toBe(
      "{term: 3, entries: [1, 2, 3, 4, … 2 more], ok: true}",
    );
    expect(payloadSummary({ a: { b: { c: 1 } } })).toBe("{a: {b: {…}}}");
    expect(payloadSummary({ sum: new Float64Array([0.123456, 0.5]), weight: 0.25 })).toBe(
      "{sum: [0.1235, 0.5], weight: 0.25}",
    );
    expect(payloadSummary({ seen: new Set([1, 2]), names: new Map() })).toBe(
      "{seen: Set(2), names: Map(0)}",
    );
    expect(payloadSummary(null)).toBe("null");
    expect(payloadSummary("x".repeat(100))).toBe(`"${"x".repeat(39)}…"`);
  });

  it("stays short whatever the payload holds", () => {
    const big = { votes: Array.from({ length: 100_000 }, (_, i) => i), note: "<script>" };
    const s = payloadSummary(big);
    expect(s.length).toBeLessThanOrEqual(120);
    expect(s).toContain("… 99996 more");
    fc.assert(
      fc.property(fc.anything(), fc.integer({ min: 10, max: 200 }), (v, max) => {
        expect(payloadSummary(v, max).length).toBeLessThanOrEqual(max);
      }),
    );
  });
});
