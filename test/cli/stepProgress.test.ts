import { describe, expect, it } from "vitest";
import { interruptExitCode, shellCommand } from "../../src/cli/interrupts.js";
import {
  etaText,
  PROGRESS_INTERVAL_MS,
  progressInterval,
  rateText,
} from "../../src/cli/stepProgress.js";

describe("plain progress lines", () => {
  it.each([
    [Number.NaN, "?"],
    [Number.POSITIVE_INFINITY, "?"],
    [-1, "?"],
    [0, "0 s"],
    [4.2, "5 s"],
    [59.5, "1 min 00 s"],
    [61, "1 min 01 s"],
    [3599, "59 min 59 s"],
    [3600, "1 h 00 min"],
    [7 * 3600 + 5 * 60 + 10, "7 h 05 min"],
  ])("ETA of %s s is %j", (s, text) => {
    expect(etaText(s)).toBe(text);
  });

  it.each([
    [0, "?"],
    [Number.NaN, "?"],
    [Number.POSITIVE_INFINITY, "?"],
    [0.0412, "0.041"],
    [3.25, "3.3"],
    [120, "120.0"],
  ])("rate %s is %j", (r, text) => {
    expect(rateText(r)).toBe(text);
  });

  it("waits 5 s by default, TEAMSIM_PROGRESS_INTERVAL_MS otherwise", () => {
    expect(PROGRESS_INTERVAL_MS).toBe(5000);
    expect(progressInterval({})).toBe(5000);
    expect(progressInterval({ TEAMSIM_PROGRESS_INTERVAL_MS: "0" })).toBe(0);
    expect(progressInterval({ TEAMSIM_PROGRESS_INTERVAL_MS: "250" })).toBe(250);
    expect(() => progressInterval({ TEAMSIM_PROGRESS_INTERVAL_MS: "soon" })).toThrow(
      /TEAMSIM_PROGRESS_INTERVAL_MS: expected a number of milliseconds >= 0, found "soon"/,
    );
  });
});

describe("interrupts", () => {
  it("exit as a shell reports a signal: 128 + its number", () => {
    expect(interruptExitCode("SIGINT")).toBe(130);
    expect(interruptExitCode("SIGTERM")).toBe(143);
  });

  it("print the resume command quoted for a shell", () => {
    expect(
      shellCommand(["teamsim", "sweep", "a b.yaml", "--set", "name=it's", "--out", "runs/x"]),
    ).toBe("teamsim sweep 'a b.yaml' --set 'name=it'\\''s' --out runs/x");
  });
});
