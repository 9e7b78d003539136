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

  it("verifies a vote only for its signer, kind, view, sequence number and digest", () => {
    const s = new Signatures();
    const sig = s.signVote(3, "prepare", 2, 17, "0:1");
    expect(s.verifyVote(sig, 3, "prepare", 2, 17, "0:1")).toBe(true);
    // The digest built afresh (another string object, the same text) still verifies.
    expect(s.verifyVote(sig, 3, "prepare", 2, 17, ["0", "1"].join(":"))).toBe(true);
    // Each field moved is a forgery.
    expect(s.verifyVote(sig, 4, "prepare", 2, 17, "0:1")).toBe(false);
    expect(s.verifyVote(sig, 3, "commit", 2, 17, "0:1")).toBe(false);
    expect(s.verifyVote(sig, 3, "prepare", 3, 17, "0:1")).toBe(false);
    expect(s.verifyVote(sig, 3, "prepare", 2, 18, "0:1")).toBe(false);
    expect(s.verifyVote(sig, 3, "prepare", 2, 17, "0:2")).toBe(false);
    expect(s.verifyVote(sig + 1, 3, "prepare", 2, 17, "0:1")).toBe(false);
  });

  it("never takes a vote's signature for a string's, nor a string's for a vote's", () => {
    const s = new Signatures();
    const text = s.sign(1, "prepare");
    const vote = s.signVote(1, "prepare", 0, 0, "");
    expect(s.verifyVote(text, 1, "prepare", -1, -1, "")).toBe(false);
    expect(s.verifyVote(text, 1, "prepare", 0, 0, "")).toBe(false);
    expect(s.verify(vote, 1, "prepare")).toBe(false);
    expect(() => s.signVote(1, "prepare", -1, 0, "")).toThrow(RangeError);
  });
});
