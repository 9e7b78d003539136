import { describe, expect, it } from "vitest";
import { checkElectionSafety } from "../../src/checkers/checkElectionSafety.js";
import { checkLogMatching } from "../../src/checkers/checkLogMatching.js";
import { History } from "../../src/checkers/History.js";
import { runCheckers } from "../../src/checkers/runCheckers.js";

// A clean Raft-like history: one leader per term, three nodes with matching logs
// (one of them behind), item 0 decided 0 and item 1 decided 2.
function clean(): History {
  const h = new History();
  h.elect(1, "agent-0", 1);
  h.elect(2, "agent-2", 20);
  h.elect(3, "agent-2", 40);
  h.propose(0, 0);
  h.propose(1, 2);
  for (const node of ["agent-0", "agent-1", "agent-2"]) {
    h.commit(node, 1, 1, "noop", 2);
    h.commit(node, 2, 1, "0:0", 5);
    h.decide(0, node, 0, 5);
  }
  for (const node of ["agent-1", "agent-2"]) {
    h.commit(node, 3, 2, "1:2", 25);
    h.decide(1, node, 2, 25);
  }
  return h;
}

describe("consensus checkers", () => {
  it("a clean history passes every checker", () => {
    expect(checkElectionSafety(clean())).toEqual({ check: "election_safety", ok: true });
    expect(checkLogMatching(clean())).toEqual({ check: "log_matching", ok: true });
    expect(runCheckers(clean()).every((v) => v.ok)).toBe(true);
  });

  it("election safety fails on two leaders in one term", () => {
    const h = clean();
    h.elect(2, "agent-1", 21);
    expect(checkElectionSafety(h)).toEqual({
      check: "election_safety",
      ok: false,
      detail: "term 2: agent-2 and agent-1 were both leader",
    });
    // The same node recorded twice for its term is not a second leader.
    const again = clean();
    again.elect(3, "agent-2", 41);
    expect(checkElectionSafety(again).ok).toBe(true);
  });

  it("log matching fails when two nodes commit different values at one index", () => {
    const h = clean();
    h.commit("agent-0", 3, 2, "1:1", 26);
    expect(checkLogMatching(h)).toEqual({
      check: "log_matching",
      ok: false,
      detail: "index 3: agent-0 committed 1:1 (term 2), agent-1 committed 1:2 (term 2)",
    });
  });

  it("log matching fails on the same value from different terms at one index", () => {
    const h = clean();
    h.commit("agent-0", 3, 3, "1:2", 26);
    expect(checkLogMatching(h).ok).toBe(false);
  });

  it("log matching fails when one node commits two different entries at one index", () => {
    const h = clean();
    h.commit("agent-1", 2, 1, "0:3", 30);
    expect(checkLogMatching(h).ok).toBe(false);
  });

  it("a Byzantine node's log is not held to log matching", () => {
    const h = clean();
    h.commit("agent-4", 3, 2, "1:1", 26);
    expect(checkLogMatching(h).ok).toBe(false);
    h.markByzantine("agent-4");
    expect(checkLogMatching(h).ok).toBe(true);
  });

  it("a Byzantine window excludes a node only inside it", () => {
    const h = clean();
    h.markByzantine("agent-0", 20, 30);
    // Inside the window: a wrong commit and decision are not held against it.
    h.commit("agent-0", 3, 2, "1:1", 26);
    h.decide(1, "agent-0", 1, 26);
    expect(runCheckers(h).every((v) => v.ok)).toBe(true);
    // After the window it is correct again, and held to agreement and log matching.
    h.commit("agent-0", 4, 2, "2:1", 31);
    h.decide(1, "agent-0", 1, 31);
    const failed = runCheckers(h)
      .filter((v) => !v.ok)
      .map((v) => v.check);
    expect(failed).toEqual(["agreement", "validity"]);
    h.commit("agent-1", 4, 2, "2:3", 32);
    expect(checkLogMatching(h).ok).toBe(false);
  });
});
