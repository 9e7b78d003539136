import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// The definitions `npm run mutants` applies: each must still apply to the source
// (its search text occurs exactly once), so that the mutation check cannot rot
// silently as the code changes, and each must name something that can kill it.
const ROOT = join(import.meta.dirname, "../..");
const DIR = join(ROOT, "test/mutants");

interface Mutant {
  name: string;
  file: string;
  search: string;
  replace: string;
  tests?: string[];
  check?: string[];
}

const mutants: Mutant[] = readdirSync(DIR)
  .filter((f) => f.endsWith(".json"))
  .sort()
  .flatMap((f) => JSON.parse(readFileSync(join(DIR, f), "utf8")) as Mutant[]);

describe("mutant definitions", () => {
  it("there are at least ten, with distinct names", () => {
    expect(mutants.length).toBeGreaterThanOrEqual(10);
    expect(new Set(mutants.map((m) => m.name)).size).toBe(mutants.length);
  });

  it.each(mutants.map((m) => [m.name, m] as const))(
    "%s applies exactly once and names its killers",
    (_, m) => {
      const text = readFileSync(join(ROOT, m.file), "utf8");
      expect(text.split(m.search).length - 1).toBe(1);
      expect(m.replace).not.toBe(m.search);
      expect((m.tests?.length ?? 0) + (m.check?.length ?? 0)).toBeGreaterThan(0);
      for (const t of m.tests ?? [])
        expect(readdirSync(join(ROOT, t, ".."))).toContain(t.split("/").pop());
    },
  );
});
