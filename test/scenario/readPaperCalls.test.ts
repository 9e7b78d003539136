import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readPaperCalls } from "../../src/scenario/readPaperCalls.js";

const FIXTURES = join(import.meta.dirname, "../fixtures/calibrate");

describe("readPaperCalls", () => {
  it("gives each call its run's model and its run's tokens divided by the run's calls", () => {
    const t = readPaperCalls(join(FIXTURES, "paper"));
    expect(t.format).toBe("paper");
    expect(t.tokens).toBe("run-average");
    expect(t.recordsErrors).toBe(false);
    expect(t.calls).toHaveLength(40);
    // Run 2: 2 agents x 6 rounds = 12 calls, 48,000 input and 4,800 output tokens.
    const run2 = t.calls.slice(5, 17);
    for (const c of run2) {
      expect(c).toMatchObject({
        model: "acme-small",
        input_tokens: 4000,
        output_tokens: 400,
        ok: true,
      });
    }
    expect(t.calls.filter((c) => c.model === "acme-large")).toHaveLength(7);
  });

  it("an empty table names the file", () => {
    expect(() => readPaperCalls(join(FIXTURES, "paper-empty"))).toThrow(
      /paper-empty\/runs\.csv: expected at least one data row after the header, found only the header/,
    );
  });
});
