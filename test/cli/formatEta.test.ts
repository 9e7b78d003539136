import cliProgress from "cli-progress";
import { describe, expect, it } from "vitest";
import { formatEta } from "../../src/cli/formatEta.js";

// cli-progress sets its ETA to the strings "INF" (no progress yet: a rate of 0)
// or "NULL" (0/0), and its default time format pads and cuts them to "NFs" and
// "LLs". A bar given formatEta shows "?" instead.

const { Formatter } = cliProgress.Format;
const options = {
  format: "replicates | ETA {eta_formatted}",
  autopaddingChar: "0",
  barsize: 10,
  barCompleteString: "",
  barIncompleteString: "",
} as never;
const line = (eta: unknown, formatTime?: typeof formatEta) =>
  Formatter(
    { ...(options as object), formatTime } as never,
    {
      progress: 0,
      eta,
      startTime: Date.now(),
      stopTime: null,
      total: 3,
      value: 0,
      maxWidth: 80,
    } as never,
    {},
  ).trim();

describe("formatEta", () => {
  it.each([
    ["INF", "?"],
    ["NULL", "?"],
    [Number.POSITIVE_INFINITY, "?"],
    [Number.NaN, "?"],
    [-1, "?"],
    [0, "00s"],
    [42, "40s"],
    [125, "02m05s"],
    [7300, "02h00m"],
    ["9", "09s"],
  ])("%s -> %s", (eta, text) => {
    expect(formatEta(eta as number, options, 5)).toBe(text);
  });

  it('a bar shows "ETA ?" where the default format shows "NFs"', () => {
    expect(line("INF")).toBe("replicates | ETA NFs");
    expect(line("INF", formatEta)).toBe("replicates | ETA ?");
    expect(line("NULL", formatEta)).toBe("replicates | ETA ?");
    expect(line(30, formatEta)).toBe("replicates | ETA 30s");
  });
});
