import { describe, expect, it } from "vitest";
import { checkAgreement } from "../../src/checkers/checkAgreement.js";
import { checkValidity } from "../../src/checkers/checkValidity.js";
import { History } from "../../src/checkers/History.js";

function clean(): History {
  const h = new History();
  h.propose(0, 1);
  h.propose(0, 0);
  h.decide(0, "coordinator", 0, 1);
  h.decide(0, "agent-1", 0, 2);
  h.decide(1, "coordinator", -1, 3);
  return h;
}

describe("checkers", () => {
  it("a clean history passes agreement and validity", () => {
    expect(checkAgreement(clean())).toEqual({ check: "agreement", ok: true });
    expect(checkValidity(clean())).toEqual({ check: "validity", ok: true });
  });

  it("agreement fails when two nodes decide an item differently", () => {
    const h = clean();
    h.decide(0, "agent-2", 1, 4);
    expect(checkAgreement(h)).toMatchObject({
      ok: false,
      detail: "item 0: coordinator decided 0, agent-2 decided 1",
    });
  });

  it("validity fails when a decided answer was never proposed", () => {
    const h = clean();
    h.decide(2, "coordinator", 3, 5);
    expect(checkValidity(h)).toMatchObject({
      ok: false,
      detail: "item 2: coordinator decided 3, which nobody proposed",
    });
  });
});
