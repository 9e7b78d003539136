import { threadId } from "node:worker_threads";
import { Piscina } from "piscina";
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

  it("uses a pool offered for its thread count, sends it `message`, and leaves it running", async () => {
    const taskWorker = new URL("../fixtures/pool/squareTaskWorker.mjs", import.meta.url);
    const offered = new Piscina({ filename: taskWorker.href, minThreads: 1, maxThreads: 1 });
    const asked: number[] = [];
    const seen: Out[] = [];
    try {
      await runOnPool<number, Out>({
        worker: taskWorker,
        tasks: Array.from({ length: 100 }, (_, i) => i),
        workers: 2,
        message: (batch) => ({ offset: 1, batch }),
        pool: (threads) => {
          asked.push(threads);
          return offered;
        },
        record: (batch, results) => batch.forEach((x, k) => seen.push(results[k])),
        local: (batch) => batch.map((x) => ({ x, square: x * x + 1, thread: threadId })),
      });
      // Asked for the threads besides this one; the offered pool ran some batches.
      expect(asked).toEqual([1]);
      expect(offered.completed).toBeGreaterThan(0);
      expect(seen.map((o) => o.x).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 100 }, (_, i) => i),
      );
      for (const o of seen) expect(o.square).toBe(o.x * o.x + 1);
      // Still running (a destroyed pool has no threads): it is its owner's to stop.
      expect(offered.threads.length).toBe(1);
    } finally {
      await offered.destroy();
    }
  });

  it("makes its own pool when none is offered for the threads it needs", async () => {
    const seen = await (async () => {
      const out: Out[] = [];
      await runOnPool<number, Out>({
        worker,
        workerData: null,
        tasks: Array.from({ length: 60 }, (_, i) => i),
        workers: 2,
        pool: () => undefined,
        record: (batch, results) => batch.forEach((_, k) => out.push(results[k])),
        local: (batch) => batch.map((x) => ({ x, square: x * x, thread: threadId })),
      });
      return out;
    })();
    expect(seen).toHaveLength(60);
    expect(seen.some((o) => o.thread !== threadId)).toBe(true);
  });
});
