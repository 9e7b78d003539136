import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadModelProfiles } from "../../src/scenario/loadModelProfiles.js";

describe("loadModelProfiles", () => {
  it("ships the six profiles, each group with a source", () => {
    const profiles = loadModelProfiles();
    expect([...profiles.keys()].sort()).toEqual([
      "claude-3-5-sonnet",
      "claude-sonnet-4-6",
      "gemini-3-flash",
      "gpt-4o",
      "gpt-5.2",
      "llama-3-70b",
    ]);
    for (const p of profiles.values()) {
      for (const group of [p.skill, p.context_window, p.price, p.latency, p.tokens, p.failures]) {
        expect(group.source.length).toBeGreaterThan(10);
      }
    }
  });

  it("rejects a profile whose name does not match its file, with the file in the message", () => {
    const dir = mkdtempSync(join(tmpdir(), "teamsim-models-"));
    const text = `name: other\nprovider: x\nskill: {value: 0, source: s}\ncontext_window: {tokens: 10, source: s}\nprice: {input_per_mtok: 1, output_per_mtok: 1, source: s}\nlatency: {ttft: 1, decode_tokens_per_s: 10, source: s}\ntokens: {output: 10, source: s}\n`;
    writeFileSync(join(dir, "mine.yaml"), text);
    expect(() => loadModelProfiles(dir)).toThrow(
      /mine\.yaml: name: expected the file's name "mine", found "other"/,
    );
  });

  it("rejects a profile without a source", () => {
    const dir = mkdtempSync(join(tmpdir(), "teamsim-models-"));
    writeFileSync(join(dir, "m.yaml"), "name: m\nprovider: x\nskill: {value: 0}\n");
    expect(() => loadModelProfiles(dir)).toThrow(
      /m\.yaml:3:1: skill\.source: expected a string, found nothing/,
    );
  });
});
