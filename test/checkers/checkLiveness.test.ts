import { describe, expect, it } from "vitest";
import {
  checkLiveness,
  decidedByAll,
  type LivenessContext,
} from "../../src/checkers/checkLiveness.js";
import { History } from "../../src/checkers/History.js";

function ctx(extra: Partial<LivenessContext> = {}): LivenessContext {
  return {
    notApplicable: null,
    healedAt: 100,
    boundS: 50,
    end: 400,
    quiescent: true,
    items: 2,
    mustDecide: ["a", "b"],
    ...extra,
  };
}

function history(decisions: [string, number, number][]): History {
  const h = new History();
  for (const [node, item, t] of decisions) h.decide(item, node, 0, t);
  return h;
}

describe("checkLiveness", () => {
  const all: [string, number, number][] = [
    ["a", 0, 10],
    ["a", 1, 120],
    ["b", 0, 20],
    ["b", 1, 149],
  ];

  it("passes when every node that owes a decision made it within the bound", () => {
    expect(checkLiveness(history(all), ctx())).toEqual({ check: "liveness", ok: true });
  });

  it("fails when a node never decides and the run went quiescent (stalled)", () => {
    const v = checkLiveness(history(all.slice(0, 3)), ctx());
    expect(v.ok).toBe(false);
    expect(v.detail).toMatch(
      /b never decided item 1: the run went quiescent at 400\.0 s \(stalled\)/,
    );
  });

  it("fails when an owed decision comes after the bound", () => {
    const late = history([...all.slice(0, 3), ["b", 1, 151]]);
    const v = checkLiveness(late, ctx());
    expect(v.ok).toBe(false);
    expect(v.detail).toMatch(/b decided item 1 at 151\.0 s, after the bound/);
  });

  it("fails at the horizon once the bound has run out, is inconclusive before", () => {
    const h = history(all.slice(0, 3));
    expect(checkLiveness(h, ctx({ quiescent: false, end: 160 })).ok).toBe(false);
    const early = checkLiveness(h, ctx({ quiescent: false, end: 140 }));
    expect(early).toMatchObject({ ok: true, note: "inconclusive" });
  });

  it("owes nothing when its preconditions fail, and says why", () => {
    const v = checkLiveness(history([]), ctx({ notApplicable: "a fault never heals" }));
    expect(v).toEqual({
      check: "liveness",
      ok: true,
      note: "n/a",
      detail: "n/a: a fault never heals",
    });
  });

  it("ignores nodes that owe nothing (down or Byzantine at the end)", () => {
    expect(checkLiveness(history(all.slice(0, 3)), ctx({ mustDecide: ["a"] })).ok).toBe(true);
  });
});

describe("decidedByAll", () => {
  it("counts the items every decider decided", () => {
    const h = history([
      ["a", 0, 1],
      ["b", 0, 1],
      ["a", 1, 1],
      ["c", 1, 1],
    ]);
    expect(decidedByAll(h, ["a", "b"], 4)).toBe(0.25);
    expect(decidedByAll(h, ["a"], 4)).toBe(0.5);
    expect(decidedByAll(h, [], 4)).toBe(0);
  });
});

describe("decidedByAll without a decider set", () => {
  it("counts items some correct node decided", () => {
    const h = history([
      ["a", 0, 1],
      ["z", 1, 5],
    ]);
    h.markByzantine("z", 0, 10);
    expect(decidedByAll(h, null, 2)).toBe(0.5);
    h.decide(1, "z", 0, 12);
    expect(decidedByAll(h, null, 2)).toBe(1);
  });
});
