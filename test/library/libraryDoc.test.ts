import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeUserProgram, ROOT, runTsc } from "./userProgram.js";

// Every ```ts block of docs/library.md is a whole program: it is type-checked
// and run as written in a project outside the repository that depends on
// teamsim by path, and what it prints must be the ```text block under it. With
// TEAMSIM_UPDATE_DOCS=1 the text blocks are rewritten from the runs instead.
const PAGE = join(ROOT, "docs", "library.md");

interface Example {
  code: string;
  /** The ```text block right after it, if any. */
  output: string | undefined;
}

/** The page's examples, in order. */
function examples(page: string): Example[] {
  const out: Example[] = [];
  const re = /```ts\n([\s\S]*?)```\n(?:\n```text\n([\s\S]*?)```\n)?/g;
  for (const m of page.matchAll(re)) out.push({ code: m[1], output: m[2] });
  return out;
}

let dir: string;
const page = readFileSync(PAGE, "utf8");
const blocks = examples(page);

beforeAll(() => {
  dir = makeUserProgram("teamsim-library-doc-");
  mkdirSync(join(dir, "src"));
  blocks.forEach((b, i) => {
    writeFileSync(join(dir, "src", `example${i + 1}.ts`), b.code);
  });
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        strict: true,
        skipLibCheck: true,
        // The user's own @types/node (here the repository's).
        typeRoots: [join(ROOT, "node_modules", "@types")],
        types: ["node"],
        rootDir: "src",
        outDir: "out",
      },
      include: ["src"],
    }),
  );
}, 120_000);

afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe("docs/library.md", () => {
  it("has examples, each followed by its output", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(6);
    expect(blocks.filter((b) => b.output === undefined).map((b) => b.code)).toEqual([]);
  });

  it("type-checks every example against the installed package", () => {
    expect(runTsc(dir, ["-p", "tsconfig.json"])).toBe("");
  }, 120_000);

  it("prints what the page shows under each example", () => {
    const got = blocks.map((_, i) =>
      execFileSync(process.execPath, [join("out", `example${i + 1}.js`)], {
        cwd: dir,
        encoding: "utf8",
      }),
    );
    if (process.env.TEAMSIM_UPDATE_DOCS === "1") {
      let k = 0;
      const updated = page.replace(
        /(```ts\n[\s\S]*?```\n\n```text\n)([\s\S]*?)(```\n)/g,
        (_m, head: string, _old: string, tail: string) => `${head}${got[k++]}${tail}`,
      );
      writeFileSync(PAGE, updated);
      return;
    }
    expect(got).toEqual(blocks.map((b) => b.output));
  }, 240_000);
});
