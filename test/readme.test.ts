import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// The README's (and docs/'s) examples are executable: every `$ command` in a ```console block
// is run (with `npx teamsim` meaning this checkout's bin) and its output must be
// exactly what the README shows. `cat FILE` of a file that does not exist yet
// creates it from the README's text; `npm` commands (the benchmark, whose
// timings vary) are skipped.
const ROOT = join(import.meta.dirname, "..");
const BIN = join(ROOT, "bin/teamsim.js");

interface Example {
  command: string;
  expected: string;
}

function examples(file: string): Example[][] {
  const text = readFileSync(join(ROOT, file), "utf8");
  const blocks = [...text.matchAll(/```console\n([\s\S]*?)```/g)].map((m) => m[1]);
  return blocks.map((block) => {
    const out: Example[] = [];
    for (const line of block.split("\n")) {
      if (line.startsWith("$ ")) out.push({ command: line.slice(2), expected: "" });
      else if (out.length > 0) out[out.length - 1].expected += `${line}\n`;
    }
    for (const ex of out) ex.expected = ex.expected.replace(/\n+$/, "\n");
    return out;
  });
}

// The README and every page of docs/ that has examples to run (each in a directory of
// its own); a page whose console blocks are all `npm` (docs/performance.md) has none.
const PAGES = [
  "README.md",
  ...readdirSync(join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`)
    .filter((f) =>
      examples(f)
        .flat()
        .some((ex) => !ex.command.startsWith("npm ")),
    ),
];

describe.each(PAGES)("examples of %s", (page) => {
  const blocks = examples(page);
  if (page === "README.md") {
    it("has console examples", () => {
      expect(blocks.length).toBeGreaterThan(5);
    });
  }
  const dir = mkdtempSync(join(tmpdir(), "teamsim-readme-"));
  cpSync(join(ROOT, "scenarios"), join(dir, "scenarios"), { recursive: true });
  // The paper's data, so examples can name it as a reader would from the repository root.
  cpSync(join(ROOT, "data"), join(dir, "data"), { recursive: true });
  cpSync(join(ROOT, "models"), join(dir, "models"), { recursive: true });
  blocks.forEach((block, i) => {
    for (const ex of block) {
      if (ex.command.startsWith("npm ")) continue;
      it(`block ${i}: ${ex.command}`, () => {
        const cat = /^cat (\S+)$/.exec(ex.command);
        if (cat && !existsSync(join(dir, cat[1]))) writeFileSync(join(dir, cat[1]), ex.expected);
        const shell = ex.command.replaceAll("npx teamsim", `node ${BIN}`);
        // Group the whole line so that `cmd; echo "exit $?"` has both streams captured.
        const r = spawnSync("/bin/bash", ["-c", `{ ${shell}\n} 2>&1`], {
          cwd: dir,
          encoding: "utf8",
        });
        expect(r.status, r.stdout).toBe(0);
        expect(r.stdout.replace(/\n+$/, "\n")).toBe(ex.expected);
      });
    }
  });
});
