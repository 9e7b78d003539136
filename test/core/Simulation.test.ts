import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Simulation } from "../../src/core/Simulation.js";

describe("Simulation", () => {
  it("runs events in time order and advances the clock", () => {
    const sim = new Simulation();
    const seen: [string, number][] = [];
    sim.schedule(2, () => seen.push(["b", sim.now]));
    sim.schedule(1, () => seen.push(["a", sim.now]));
    sim.schedule(3, () => seen.push(["c", sim.now]));
    const out = sim.run();
    expect(seen).toEqual([
      ["a", 1],
      ["b", 2],
      ["c", 3],
    ]);
    expect(out).toEqual({ reason: "quiescent", now: 3, events: 3 });
  });

  it("breaks ties by priority, then by insertion order", () => {
    const sim = new Simulation();
    const seen: string[] = [];
    sim.schedule(1, () => seen.push("first-inserted"));
    sim.schedule(1, () => seen.push("high-priority"), -1);
    sim.schedule(1, () => seen.push("second-inserted"));
    sim.schedule(1, () => seen.push("low-priority"), 5);
    sim.run();
    expect(seen).toEqual(["high-priority", "first-inserted", "second-inserted", "low-priority"]);
  });

  it("cancels pending events and refuses to cancel run or recycled ones", () => {
    const sim = new Simulation();
    const seen: number[] = [];
    const a = sim.schedule(1, () => seen.push(1));
    const b = sim.schedule(2, () => seen.push(2));
    expect(sim.cancel(b)).toBe(true);
    expect(sim.cancel(b)).toBe(false);
    expect(sim.pending).toBe(1);
    sim.run();
    expect(seen).toEqual([1]);
    expect(sim.cancel(a)).toBe(false);
    // a's queue entry is reused by the next event; the stale handle must not cancel it.
    sim.schedule(1, () => seen.push(3));
    expect(sim.cancel(a)).toBe(false);
    sim.run();
    expect(seen).toEqual([1, 3]);
  });

  it("stops at the horizon with the clock at the horizon, and can resume", () => {
    const sim = new Simulation();
    let fired = 0;
    sim.schedule(5, () => fired++);
    sim.schedule(15, () => fired++);
    expect(sim.run({ until: 10 })).toEqual({ reason: "horizon", now: 10, events: 1 });
    expect(sim.run()).toEqual({ reason: "quiescent", now: 15, events: 1 });
    expect(fired).toBe(2);
  });

  it("stops after maxEvents (a livelock is a result, not a hang)", () => {
    const sim = new Simulation();
    const loop = () => sim.schedule(0, loop);
    sim.schedule(0, loop);
    const out = sim.run({ maxEvents: 1000 });
    expect(out.reason).toBe("max_events");
    expect(out.events).toBe(1000);
  });

  it("stop() ends the run after the current event", () => {
    const sim = new Simulation();
    sim.schedule(1, () => sim.stop());
    sim.schedule(2, () => {});
    expect(sim.run()).toEqual({ reason: "stopped", now: 1, events: 1 });
    expect(sim.pending).toBe(1);
  });

  it("rejects negative, NaN and infinite delays", () => {
    const sim = new Simulation();
    expect(() => sim.schedule(-1, () => {})).toThrow(RangeError);
    expect(() => sim.schedule(Number.NaN, () => {})).toThrow(RangeError);
    expect(() => sim.schedule(Number.POSITIVE_INFINITY, () => {})).toThrow(RangeError);
  });

  it("property: execution order is sorted by (time, priority, insertion) for any schedule, cancels included", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            delay: fc.integer({ min: 0, max: 20 }).map((x) => x / 4),
            priority: fc.integer({ min: -2, max: 2 }),
            cancel: fc.boolean(),
            spawn: fc.option(
              fc.integer({ min: 0, max: 8 }).map((x) => x / 4),
              { nil: undefined },
            ),
          }),
          { maxLength: 60 },
        ),
        (specs) => {
          const sim = new Simulation();
          const ran: { time: number; priority: number; seq: number }[] = [];
          const expectedRuns = new Set<number>();
          const handles = specs.map((s, i) =>
            sim.schedule(
              s.delay,
              () => {
                ran.push({ time: sim.now, priority: s.priority, seq: i });
                if (s.spawn !== undefined) {
                  // A child scheduled during the run gets a later sequence number.
                  sim.schedule(s.spawn, () =>
                    ran.push({ time: sim.now, priority: 0, seq: 1000 + i }),
                  );
                }
              },
              s.priority,
            ),
          );
          specs.forEach((s, i) => {
            if (s.cancel) sim.cancel(handles[i]);
            else expectedRuns.add(i);
          });
          sim.run();
          const top = ran.filter((r) => r.seq < 1000).map((r) => r.seq);
          expect(new Set(top)).toEqual(expectedRuns);
          for (let i = 1; i < ran.length; i++)
            expect(ran[i].time).toBeGreaterThanOrEqual(ran[i - 1].time);
          const firstLevel = ran.filter((r) => r.seq < 1000);
          for (let i = 1; i < firstLevel.length; i++) {
            const a = firstLevel[i - 1];
            const b = firstLevel[i];
            if (a.time === b.time) {
              expect(a.priority < b.priority || (a.priority === b.priority && a.seq < b.seq)).toBe(
                true,
              );
            }
          }
        },
      ),
    );
  });
  it("post delivers items to their sink in time order, ties in posting order, among scheduled events", () => {
    const sim = new Simulation();
    const log: string[] = [];
    const sink = { fire: (item: unknown) => log.push(`${item}@${sim.now}`) };
    sim.post(2, sink, "b");
    sim.schedule(1, () => log.push(`handler@${sim.now}`));
    sim.post(1, sink, "a");
    sim.post(2, sink, "c");
    expect(sim.pending).toBe(4);
    const out = sim.run();
    expect(log).toEqual(["handler@1", "a@1", "b@2", "c@2"]);
    expect(out).toEqual({ reason: "quiescent", now: 2, events: 4 });
    expect(() => sim.post(1, sink, "late")).toThrow(RangeError);
  });
});
