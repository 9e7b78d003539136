import { threadId } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { runOnPool } from "../../src/experiment/runOnPool.js";

interface Out {
  x: number;
  square: number;
  thread: number;
}

const worker = new URL("../fixtures/pool/squareWorker.mjs", import.meta.url);

async function collect(workers: number, local: boolean, n: number) {
  const tasks = Array.from({ length: n }, (_, i) => i);
  const seen: Out[] = [];
  await runOnPool<number, Out>({
    worker,
    workerData: null,
    tasks,
    workers,
    record: (batch, results) =>
      batch.forEach((x, k) => {
        expect(results[k].x).toBe(x);
        seen.push(results[k]);
      }),
    local: local
      ? (batch) => batch.map((x) => ({ x, square: x * x, thread: threadId }))
      : undefined,
  });
  return seen;
}

describe("runOnPool", () => {
  it("records every task exactly once, with its own result", async () => {
    for (const [workers, local] of [
      [2, false],
      [2, true],
      [3, true],
    ] as const) {
      const seen = await collect(workers, local, 150);
      expect(seen.map((o) => o.x).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 150 }, (_, i) => i),
      );
      for (const o of seen) expect(o.square).toBe(o.x * o.x);
    }
  });

  it("with a local lane, this thread and the pool's threads both run tasks", async () => {
    const seen = await collect(2, true, 200);
    const here = seen.filter((o) => o.thread === threadId).length;
    // The local lane starts at once, while the worker loads: it takes a share.
    expect(here).toBeGreaterThan(0);
    expect(here).toBeLessThan(200);
  });

  it("with one worker and a local lane, no pool is started: this thread runs all", async () => {
    const seen = await collect(1, true, 20);
    expect(seen.every((o) => o.thread === threadId)).toBe(true);
  });
});
