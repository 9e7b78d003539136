import { describe, expect, it } from "vitest";
import { cyrb128 } from "../../src/core/cyrb128.js";
import { xoshiro128 } from "../../src/core/xoshiro128.js";

describe("xoshiro128", () => {
  it("gives the reference implementation's outputs from state (1, 2, 3, 4)", () => {
    // xoshiro128starstar.c by Blackman and Vigna, run from s = {1, 2, 3, 4}.
    const s = Uint32Array.of(1, 2, 3, 4);
    const out = Array.from({ length: 6 }, () => xoshiro128(s, 0));
    expect(out).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
  });

  it("steps the state at its offset and nothing else", () => {
    const s = Uint32Array.of(9, 9, 1, 2, 3, 4, 9, 9);
    expect(xoshiro128(s, 2)).toBe(11520);
    expect([s[0], s[1], s[6], s[7]]).toEqual([9, 9, 9, 9]);
  });
});

describe("cyrb128", () => {
  it("hashes names apart and the same name alike", () => {
    const a = new Uint32Array(4);
    const b = new Uint32Array(4);
    cyrb128("42\u0000net/agent-0>agent-1", a, 0);
    cyrb128("42\u0000net/agent-0>agent-1", b, 0);
    expect([...a]).toEqual([...b]);
    cyrb128("42\u0000net/agent-1>agent-0", b, 0);
    expect([...a]).not.toEqual([...b]);
  });

  it("never leaves an all-zero state", () => {
    const s = new Uint32Array(4);
    for (let i = 0; i < 10_000; i++) {
      cyrb128(`seed${i}`, s, 0);
      expect(s[0] | s[1] | s[2] | s[3]).not.toBe(0);
    }
  });
});
