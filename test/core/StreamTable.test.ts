import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RandomStream } from "../../src/core/Rng.js";
import { StreamTable } from "../../src/core/StreamTable.js";

describe("StreamTable", () => {
  it("draws what a RandomStream of the same seed and name draws, normals included", () => {
    const table = new StreamTable("42/0");
    const slot = table.open("net/agent-0>agent-1");
    const stream = new RandomStream("42/0", "net/agent-0>agent-1");
    for (let i = 0; i < 1000; i++) {
      expect(table.select(slot).next()).toBe(stream.next());
      expect(table.select(slot).normal()).toBe(stream.normal());
      expect(table.select(slot).lognormal(0, 0.5)).toBe(stream.lognormal(0, 0.5));
    }
  });

  it("keeps each stream's draws whatever other streams are opened or drawn in between", () => {
    // The interleaving (which slot draws next) is random; each stream's own
    // sequence (including its spare normal deviate) must not depend on it.
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.nat(), { minLength: 50, maxLength: 400 }),
        (streams, order) => {
          const table = new StreamTable("7");
          const slots = Array.from({ length: streams }, (_, i) => table.open(`s${i}`));
          const got: number[][] = slots.map(() => []);
          for (const o of order) {
            const k = o % streams;
            // Normals exercise the spare deviate kept per slot.
            got[k].push(table.select(slots[k]).normal());
          }
          slots.forEach((_, k) => {
            const alone = new RandomStream("7", `s${k}`);
            expect(got[k]).toEqual(got[k].map(() => alone.normal()));
          });
        },
      ),
      { seed: 3, numRuns: 200 },
    );
  });

  it("grows past its first allocation", () => {
    const table = new StreamTable("1");
    const slots = Array.from({ length: 5000 }, (_, i) => table.open(`n${i}`));
    expect(table.size).toBe(5000);
    expect(table.select(slots[4999]).next()).toBe(new RandomStream("1", "n4999").next());
  });

  it("is uniform: a chi-square test of 100,000 draws from 1,000 streams", () => {
    const table = new StreamTable("9");
    const slots = Array.from({ length: 1000 }, (_, i) => table.open(`l${i}`));
    const bins = new Array(20).fill(0);
    for (let i = 0; i < 100_000; i++) bins[Math.floor(table.select(slots[i % 1000]).next() * 20)]++;
    const expected = 5000;
    const chi2 = bins.reduce((s, b) => s + (b - expected) ** 2 / expected, 0);
    // 19 degrees of freedom: P(chi2 > 43.8) = 0.001.
    expect(chi2).toBeLessThan(43.8);
  });
});
