import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { links, ROOT, readPage } from "./markdownLinks.js";

// The README is the front door (issue 15): short, and a way into every page of docs/.
describe("README.md", () => {
  const text = readPage("README.md");

  it("has at most 300 lines", () => {
    expect(text.replace(/\n$/, "").split("\n").length).toBeLessThanOrEqual(300);
  });

  it("links every page of docs/", () => {
    const linked = new Set(links(text).map((l) => l.target.split("#")[0]));
    const pages = readdirSync(join(ROOT, "docs")).filter((f) => f.endsWith(".md"));
    expect(pages.length).toBeGreaterThan(10);
    expect(pages.filter((f) => !linked.has(`docs/${f}`))).toEqual([]);
  });

  it("starts with the two-line quick start", () => {
    expect(text).toContain(
      "```sh\nnpm install && npx teamsim run scenarios/quickstart.yaml\nnpm test\n```",
    );
  });

  // Issue 14: the scale figure, with the command that draws it, in a Performance section.
  it("shows the scale figure and its command in its Performance section", () => {
    const section = text.slice(text.indexOf("\n## Performance\n"));
    expect(section.length).toBeLessThan(text.length);
    const body = section.slice(0, section.indexOf("\n## ", 1));
    expect(body).toContain("](docs/figures/scale-cost.svg)");
    expect(body).toContain(
      "npm run --silent bench -- scale-curve --json --figure docs/figures/scale-cost.svg",
    );
  });
});
