import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { protocolsMarkdown } from "../../src/cli/protocolsCommand.js";
import { PROTOCOLS } from "../../src/protocols/registry.js";

const ROOT = join(import.meta.dirname, "../..");

describe("docs/protocols.md", () => {
  const text = readFileSync(join(ROOT, "docs/protocols.md"), "utf8");
  const table = /<!-- protocols:start -->\n([\s\S]*?)<!-- protocols:end -->/.exec(text)?.[1];

  it("holds `teamsim protocols --markdown` exactly (generated from the registry)", () => {
    expect(table).toBe(protocolsMarkdown());
  });

  it("has one row per registered protocol, with its options' defaults", () => {
    for (const p of PROTOCOLS) expect(table).toContain(`| \`${p.name}\` |`);
    expect(table).toContain("`view_timeout_s: 30`");
    expect(table).toContain("`max_rounds: 3`");
  });
});
