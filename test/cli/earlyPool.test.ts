import { availableParallelism } from "node:os";
import { describe, expect, it } from "vitest";
import { earlyThreads, startRunPool, stopRunPool, takeRunPool } from "../../src/cli/earlyPool.js";

describe("earlyThreads", () => {
  it("counts the threads besides this one that `run --workers` will use", () => {
    expect(earlyThreads(["run", "s.yaml", "--workers", "2"], 2)).toBe(1);
    expect(earlyThreads(["run", "--workers=3", "s.yaml"], 4)).toBe(2);
    expect(earlyThreads(["run", "s.yaml", "--workers", "auto"], 4)).toBe(3);
    // Capped at the CPUs, as the command caps it.
    expect(earlyThreads(["run", "s.yaml", "--workers", "8"], 2)).toBe(1);
  });

  it("starts nothing for one worker, a flag the command refuses, another command or no flag", () => {
    expect(earlyThreads(["run", "s.yaml", "--workers", "1"], 4)).toBe(0);
    expect(earlyThreads(["run", "s.yaml", "--workers", "two"], 4)).toBe(0);
    expect(earlyThreads(["run", "s.yaml", "--workers", "0"], 4)).toBe(0);
    expect(earlyThreads(["run", "s.yaml", "--workers"], 4)).toBe(0);
    expect(earlyThreads(["sweep", "s.yaml", "--workers", "2"], 4)).toBe(0);
    expect(earlyThreads(["run", "s.yaml"], 4)).toBe(0);
    expect(earlyThreads(["run", "--", "--workers", "2"], 4)).toBe(0);
    expect(earlyThreads([], 4)).toBe(0);
  });
});

describe("startRunPool", () => {
  it.skipIf(availableParallelism() < 2)(
    "starts the threads, offers them for exactly their count, and stops them",
    async () => {
      startRunPool(["run", "s.yaml", "--workers", "2"]);
      try {
        expect(takeRunPool(2)).toBeUndefined();
        const pool = takeRunPool(1);
        expect(pool?.threads.length).toBe(1);
      } finally {
        await stopRunPool();
      }
      expect(takeRunPool(1)).toBeUndefined();
    },
  );

  it("starts nothing without --workers", async () => {
    startRunPool(["run", "s.yaml"]);
    expect(takeRunPool(1)).toBeUndefined();
    await stopRunPool();
  });
});
