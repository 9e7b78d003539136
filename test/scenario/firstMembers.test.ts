import { describe, expect, it } from "vitest";
import { firstMembers } from "../../src/scenario/firstMembers.js";

describe("firstMembers", () => {
  const team = [
    { model: "a", count: 1, role: "leader" },
    { model: "b", count: 3 },
  ];

  it("sets the count of the one-group shorthand", () => {
    expect(firstMembers({ model: "a", count: 5 }, 2)).toEqual({ model: "a", count: 2 });
  });

  it("cuts a list of groups after k members, shortening the last one kept", () => {
    expect(firstMembers(team, 1)).toEqual([{ model: "a", count: 1, role: "leader" }]);
    expect(firstMembers(team, 3)).toEqual([
      { model: "a", count: 1, role: "leader" },
      { model: "b", count: 2 },
    ]);
  });

  it("grows the last group for a larger team", () => {
    expect(firstMembers(team, 6)).toEqual([
      { model: "a", count: 1, role: "leader" },
      { model: "b", count: 5 },
    ]);
  });
});
