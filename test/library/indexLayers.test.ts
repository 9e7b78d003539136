import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./userProgram.js";

// The library sits beside the CLI, not on top of it (DESIGN.md, layers): the
// index and the wrappers it adds import no command module, so a program that
// imports teamsim gets no commander, no progress bars and no process.exit.
const FILES = [
  "src/index.ts",
  "src/scenario/scenarioFromObject.ts",
  "src/experiment/sweepInMemory.ts",
  "src/experiment/lawCurve.ts",
  "src/experiment/traceReplicate.ts",
  "src/experiment/paperReplication.ts",
];

function imports(file: string): string[] {
  const text = readFileSync(join(ROOT, file), "utf8");
  return [...text.matchAll(/^(?:import|export)[^;]*? from "([^"]+)";/gms)].map((m) => m[1]);
}

describe("the library's layers", () => {
  it.each(FILES)("%s imports nothing from src/cli", (file) => {
    const found = imports(file);
    expect(found.length).toBeGreaterThan(0);
    expect(found.filter((p) => p.includes("/cli/") || p.includes("commander"))).toEqual([]);
  });

  it("the wrappers below viz import no figure code", () => {
    const low = FILES.filter((f) => !f.endsWith("index.ts"));
    const bad = low.flatMap((f) =>
      imports(f)
        .filter((p) => p.includes("/viz/"))
        .map((p) => `${f}: ${p}`),
    );
    expect(bad).toEqual([]);
  });
});
