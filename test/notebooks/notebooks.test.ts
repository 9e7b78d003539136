import { accessSync, constants, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// The notebooks are checked here cheaply: their shape, their imports, and that
// the committed copies were executed without errors and show figures. Running
// them is CI's notebook step (notebooks/run.sh), which needs Jupyter.
const DIR = join(import.meta.dirname, "..", "..", "notebooks");

/** The lessons issue 15 asks for, in order. */
const LESSONS = [
  "01-team-or-single.ipynb",
  "02-scaling-laws.ipynb",
  "03-voting.ipynb",
  "04-fault-tolerance.ipynb",
  "05-paper-replicated.ipynb",
  "06-cascades-pareto.ipynb",
];

interface Output {
  output_type: string;
  name?: string;
  data?: Record<string, unknown>;
  ename?: string;
  text?: string | string[];
}

interface Cell {
  cell_type: string;
  source: string | string[];
  /** nbclient records when it ran the cell (tslab itself reports no execution count). */
  metadata: { execution?: Record<string, string> };
  outputs?: Output[];
}

interface Notebook {
  nbformat: number;
  metadata: { kernelspec?: { name?: string; language?: string } };
  cells: Cell[];
}

function text(source: string | string[]): string {
  return Array.isArray(source) ? source.join("") : source;
}

function load(name: string): Notebook {
  return JSON.parse(readFileSync(join(DIR, name), "utf8")) as Notebook;
}

/** Every module specifier a code cell imports: static and dynamic imports, re-exports, require. */
function importedModules(code: string): string[] {
  const found: string[] = [];
  const patterns = [
    /\bimport\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?["']([^"']+)["']/g,
    /\bexport\s+[\w*{}\s,$]+?\s+from\s+["']([^"']+)["']/g,
    /\bimport\s*\(\s*["'`]([^"'`]+)["'`]\s*\)/g,
    /\brequire\s*\(\s*["'`]([^"'`]+)["'`]\s*\)/g,
  ];
  for (const re of patterns) {
    for (const m of code.matchAll(re)) found.push(m[1]);
  }
  return found;
}

/** Notebooks may use teamsim by name (as a user would), tslab's display, and Node's built-ins. */
function allowed(specifier: string): boolean {
  return specifier === "teamsim" || specifier === "tslab" || specifier.startsWith("node:");
}

describe("importedModules", () => {
  it("finds static, type-only, side-effect and dynamic imports and requires", () => {
    const code = [
      'import { a, b } from "teamsim";',
      'import type { T } from "../src/index.js";',
      'import * as tslab from "tslab";',
      'import "../dist/src/index.js";',
      'const m = await import("../src/x.js");',
      'const r = require("fs");',
      'export { c } from "./local.js";',
    ].join("\n");
    expect(importedModules(code).sort()).toEqual(
      [
        "teamsim",
        "../src/index.js",
        "tslab",
        "../dist/src/index.js",
        "../src/x.js",
        "fs",
        "./local.js",
      ].sort(),
    );
  });

  it("refuses relative paths into the repository and allows teamsim, tslab and node:", () => {
    expect(allowed("teamsim")).toBe(true);
    expect(allowed("tslab")).toBe(true);
    expect(allowed("node:fs")).toBe(true);
    expect(allowed("../src/index.js")).toBe(false);
    expect(allowed("../dist/src/index.js")).toBe(false);
    expect(allowed("teamsim/dist/src/index.js")).toBe(false);
  });
});

describe("notebooks", () => {
  const names = readdirSync(DIR)
    .filter((f) => /^\d\d-.*\.ipynb$/.test(f))
    .sort();

  it("has the six lessons, numbered", () => {
    for (const lesson of LESSONS) expect(names).toContain(lesson);
  });

  it("are listed in notebooks/README.md", () => {
    const readme = readFileSync(join(DIR, "README.md"), "utf8");
    for (const name of names) expect(readme).toContain(name);
  });

  it("has an executable runner", () => {
    expect(() => accessSync(join(DIR, "run.sh"), constants.X_OK)).not.toThrow();
  });

  for (const name of LESSONS) {
    describe(name, () => {
      const nb = () => load(name);

      it("is an nbformat 4 notebook for the tslab TypeScript kernel", () => {
        const book = nb();
        expect(book.nbformat).toBe(4);
        expect(book.metadata.kernelspec?.name).toBe("tslab");
        expect(book.metadata.kernelspec?.language).toBe("typescript");
      });

      it("is a lesson: opens with a title, mixes prose and code", () => {
        const { cells } = nb();
        expect(cells[0].cell_type).toBe("markdown");
        expect(text(cells[0].source)).toMatch(/^# \S/);
        const kinds = cells.map((c) => c.cell_type);
        expect(kinds.filter((k) => k === "markdown").length).toBeGreaterThanOrEqual(3);
        expect(kinds.filter((k) => k === "code").length).toBeGreaterThanOrEqual(3);
      });

      it('imports only from "teamsim" (not ../src or ../dist), tslab and node:', () => {
        const code = nb()
          .cells.filter((c) => c.cell_type === "code")
          .map((c) => text(c.source))
          .join("\n");
        const modules = importedModules(code);
        expect(modules).toContain("teamsim");
        expect(modules.filter((m) => !allowed(m))).toEqual([]);
      });

      it("was executed, with no errors, and shows a figure", () => {
        const code = nb().cells.filter((c) => c.cell_type === "code");
        const unrun = code.filter(
          (c) => c.metadata.execution?.["shell.execute_reply"] === undefined,
        );
        expect(unrun.map((c) => text(c.source).slice(0, 60))).toEqual([]);
        const outputs = code.flatMap((c) => c.outputs ?? []);
        expect(outputs.filter((o) => o.output_type === "error")).toEqual([]);
        // tslab prints type errors on stderr instead of raising.
        expect(outputs.filter((o) => o.output_type === "stream" && o.name === "stderr")).toEqual(
          [],
        );
        const figures = outputs.filter((o) => o.data?.["image/svg+xml"] !== undefined);
        expect(figures.length).toBeGreaterThanOrEqual(1);
      });
    });
  }
});
