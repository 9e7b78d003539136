import { execSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// The code base's own hygiene, counted with the other tests: it typechecks
// (strict, tests included) and Biome's linter and formatter find nothing.
const ROOT = join(import.meta.dirname, "..");

function sh(cmd: string): { code: number; out: string } {
  try {
    return { code: 0, out: execSync(`${cmd} 2>&1`, { cwd: ROOT, encoding: "utf8" }) };
  } catch (e) {
    const err = e as { status: number; stdout: string };
    return { code: err.status, out: err.stdout };
  }
}

describe("code base", () => {
  it("typechecks (tsc --noEmit over src, bench and test)", () => {
    const r = sh("node node_modules/typescript/bin/tsc -p tsconfig.test.json");
    expect(r.out).toBe("");
    expect(r.code).toBe(0);
  });

  it("passes Biome's lint and format checks", () => {
    const r = sh("./node_modules/.bin/biome check .");
    expect(r.code, r.out).toBe(0);
  });
});
