import { describe, expect, it } from "vitest";
import { Signatures } from "../../src/runtime/Signatures.js";

describe("Signatures", () => {
  it("verifies a signature only for its signer and exactly its content", () => {
    const s = new Signatures();
    const sig = s.sign(2, "view-change 3 from 2");
    expect(s.verify(sig, 2, "view-change 3 from 2")).toBe(true);
    // A forgery: the same signature claimed for another signer, or moved onto other content.
    expect(s.verify(sig, 1, "view-change 3 from 2")).toBe(false);
    expect(s.verify(sig, 2, "view-change 4 from 2")).toBe(false);
    // A signature that was never made.
    expect(s.verify(sig + 1, 2, "view-change 3 from 2")).toBe(false);
    expect(s.verify(0, 2, "view-change 3 from 2")).toBe(false);
  });
});
