import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  compositionLabel,
  compositions,
  countCompositions,
} from "../../src/experiment/compositions.js";

const MODELS = ["a", "b", "c", "d"];

// Members one by one, from the groups.
function members(groups: { model: string; count: number; role?: string }[]) {
  return groups.flatMap((g) => Array.from({ length: g.count }, () => `${g.role}:${g.model}`));
}

describe("compositions", () => {
  it("a panel of 3 voters from 3 models: the 10 multisets, in the models' order", () => {
    const teams = compositions(["a", "b", "c"], ["voter", "voter", "voter"]);
    expect(teams).toHaveLength(10);
    expect(teams[0]).toEqual([{ model: "a", count: 3, role: "voter" }]);
    expect(teams.map(compositionLabel)).toContain("voter 1×a + voter 1×b + voter 1×c");
    expect(teams.map(compositionLabel)).toContain("voter 2×b + voter 1×c");
  });

  it("a leader and workers: every leader model with every mix of workers", () => {
    const teams = compositions(["a", "b"], ["leader", "worker", "worker"]);
    // 2 leaders × 3 worker multisets.
    expect(teams).toHaveLength(6);
    expect(teams).toContainEqual([
      { model: "b", count: 1, role: "leader" },
      { model: "a", count: 2, role: "worker" },
    ]);
  });

  it("a cascade: every order of distinct models, none longer than the models", () => {
    expect(compositions(["a", "b", "c"], ["stage", "stage"], true).map(compositionLabel)).toEqual([
      "stage 1×a + stage 1×b",
      "stage 1×a + stage 1×c",
      "stage 1×b + stage 1×a",
      "stage 1×b + stage 1×c",
      "stage 1×c + stage 1×a",
      "stage 1×c + stage 1×b",
    ]);
    expect(compositions(["a", "b"], ["stage", "stage", "stage"], true)).toEqual([]);
    expect(countCompositions(2, ["stage", "stage", "stage"], true)).toBe(0);
  });

  it("property: as many as counted, all distinct, each member in its position's role", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.constantFrom("leader", "worker", "judge"), { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        (k, roles, ordered) => {
          const models = MODELS.slice(0, k);
          const teams = compositions(models, roles, ordered);
          expect(teams).toHaveLength(countCompositions(k, roles, ordered));
          const seen = new Set(teams.map((t) => JSON.stringify(members(t))));
          expect(seen.size).toBe(teams.length);
          for (const t of teams) {
            const m = members(t);
            expect(m).toHaveLength(roles.length);
            m.forEach((x, i) => expect(x.startsWith(`${roles[i]}:`)).toBe(true));
            // Groups are maximal runs: no two neighbours share model and role.
            for (let i = 1; i < t.length; i++)
              expect(t[i].model === t[i - 1].model && t[i].role === t[i - 1].role).toBe(false);
            if (ordered) expect(new Set(t.map((g) => g.model)).size).toBe(roles.length);
          }
        },
      ),
      { seed: 12, numRuns: 200 },
    );
  });

  it("property: unordered, every assignment of models to positions is one of them up to swaps within a role", () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom("p", "q"), { minLength: 1, maxLength: 5 }),
        fc.array(fc.constantFrom("a", "b", "c"), { minLength: 5, maxLength: 5 }),
        (roles, draw) => {
          const teams = compositions(["a", "b", "c"], roles).map(members);
          // The same members per role, sorted: the canonical form of an assignment.
          const canon = (m: string[]) => [...m].sort().join(",");
          const want = canon(roles.map((r, i) => `${r}:${draw[i]}`));
          expect(teams.some((t) => canon(t) === want)).toBe(true);
        },
      ),
      { seed: 13, numRuns: 200 },
    );
  });
});
