import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

// docs/api.md is generated from the TSDoc of the library (src/index.ts, through
// the built dist/src/index.d.ts); regenerating it must give the page checked
// in, so it cannot drift from the code. Fix a failure with `npm run api`.
const ROOT = resolve(import.meta.dirname, "..", "..");

describe("docs/api.md", () => {
  it("is what `npm run api` generates from the library's TSDoc", () => {
    const dir = mkdtempSync(join(tmpdir(), "teamsim-api-doc-"));
    try {
      const out = join(dir, "api.md");
      execFileSync(process.execPath, [join(ROOT, "test", "docs", "apiDocs.mjs"), out], {
        stdio: "pipe",
      });
      const want = readFileSync(join(ROOT, "docs", "api.md"), "utf8");
      const got = readFileSync(out, "utf8");
      // The exact text, but first a readable hint of what changed.
      const names = (t: string) => t.match(/^### .*/gm) ?? [];
      expect(names(got)).toEqual(names(want));
      expect(got).toBe(want);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);

  it("documents every export of the library with at least a one-line summary", () => {
    const page = readFileSync(join(ROOT, "docs", "api.md"), "utf8");
    const sections = page.split(/^<a id="[^"]+"><\/a>\n\n/m).slice(1);
    expect(sections.length).toBeGreaterThan(100);
    // A section is its heading, its signature, then its summary paragraph.
    const undocumented = sections
      .filter((s) => !/^### \S+\n\n```ts\n[\s\S]*?\n```\n\n[^|<\n]/.test(s))
      .map((s) => s.split("\n")[0]);
    expect(undocumented).toEqual([]);
  });
});
