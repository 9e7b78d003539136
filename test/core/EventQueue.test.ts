import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EventQueue } from "../../src/core/EventQueue.js";

describe("EventQueue", () => {
  it("pops in (time, priority, sequence) order whatever the pushes and pops interleave", () => {
    const op = fc.oneof(
      fc.record({
        push: fc.constant(true),
        // Few distinct keys: ties, which the sequence number must break, are common.
        t: fc.integer({ min: 0, max: 5 }),
        p: fc.integer({ min: -2, max: 2 }),
      }),
      fc.record({ push: fc.constant(false) }),
    );
    fc.assert(
      fc.property(fc.array(op, { minLength: 50, maxLength: 2000 }), (ops) => {
        const q = new EventQueue();
        const model: { t: number; p: number; s: number }[] = [];
        let seq = 0;
        for (const o of ops) {
          if (o.push) {
            const e = { t: o.t as number, p: o.p as number, s: seq++ };
            q.push(e.t, e.p, e.s, e.s);
            model.push(e);
          } else if (model.length > 0) {
            model.sort((a, b) => a.t - b.t || a.p - b.p || a.s - b.s);
            const want = model.shift() as { s: number; t: number };
            expect(q.peekTime()).toBe(want.t);
            expect(q.pop()).toBe(want.s);
          }
          expect(q.size).toBe(model.length);
        }
      }),
      { seed: 21, numRuns: 100 },
    );
  });

  it("grows past its first allocation and drains in order", () => {
    const q = new EventQueue();
    const n = 50_000;
    for (let i = 0; i < n; i++) q.push((i * 7919) % n, 0, i, i);
    let last = -1;
    for (let i = 0; i < n; i++) {
      const t = q.peekTime();
      expect(t).toBeGreaterThanOrEqual(last);
      last = t;
      q.pop();
    }
    expect(q.size).toBe(0);
  });
});
