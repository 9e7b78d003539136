import { existsSync, statSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { anchors, docPages, links, ROOT, readPage } from "./markdownLinks.js";

// Every relative link of README.md and docs/*.md must reach a file (or a
// directory) of the repository, and every #anchor a heading (or an explicit
// `<a id>`) of its page.

describe.each(docPages())("links of %s", (page) => {
  const text = readPage(page);

  it("reach files that exist, and headings that exist", () => {
    const broken: string[] = [];
    for (const { target, line } of links(text)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, https:, mailto:
      const [path, anchor] = target.split("#", 2);
      const file = path === "" ? page : normalize(join(dirname(page), path));
      if (relative(ROOT, join(ROOT, file)).startsWith("..")) {
        broken.push(`${page}:${line}: ${target}: outside the repository`);
        continue;
      }
      if (!existsSync(join(ROOT, file))) {
        broken.push(`${page}:${line}: ${target}: no such file`);
        continue;
      }
      if (anchor === undefined || !file.endsWith(".md") || statSync(join(ROOT, file)).isDirectory())
        continue;
      const known = file === page ? anchors(text) : anchors(readPage(file));
      if (!known.has(anchor))
        broken.push(`${page}:${line}: ${target}: no heading #${anchor} in ${file}`);
    }
    expect(broken).toEqual([]);
  });
});

describe("the link check itself", () => {
  it("finds links outside code only, and makes GitHub's anchors", () => {
    const text =
      "# A `b` C?\n\n## A b c\n\n[x](y.md#a-b-c) `[no](z.md)`\n```\n[no](w.md)\n```\n![f](figures/f.svg)\n";
    expect(links(text).map((l) => l.target)).toEqual(["y.md#a-b-c", "figures/f.svg"]);
    expect([...anchors(text)]).toEqual(["a-b-c", "a-b-c-1"]);
    expect(anchors('<a id="function-x"></a>\n\n### x\n').has("function-x")).toBe(true);
    expect([...anchors("## `teamsim compare SCENARIO --law LAW`\n")]).toEqual([
      "teamsim-compare-scenario---law-law",
    ]);
  });
});
