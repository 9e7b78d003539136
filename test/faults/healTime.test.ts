import { describe, expect, it } from "vitest";
import { type Fault, FaultSchema } from "../../src/faults/FaultSchema.js";
import { healTime } from "../../src/faults/healTime.js";

const plan = (faults: unknown[]): Fault[] => faults.map((f) => FaultSchema.parse(f));

describe("healTime", () => {
  it("is the last crash, recovery, heal or window end", () => {
    expect(healTime([])).toBe(0);
    expect(
      healTime(
        plan([
          { at_s: 5, crash: ["agent-1"] },
          { at_s: 40, recover: ["agent-1"] },
          { at_s: 10, partition: [["agent-0"]], heal_at_s: 60 },
          { at_s: 0, until_s: 30, loss: 0.5 },
          { at_s: 0, until_s: 90, byzantine: ["agent-2"], behaviour: "silent" },
        ]),
      ),
    ).toBe(90);
  });

  it("counts a later heal for a partition without heal_at_s", () => {
    expect(
      healTime(
        plan([
          { at_s: 10, partition: [["agent-0"]] },
          { at_s: 70, heal: true },
        ]),
      ),
    ).toBe(70);
  });

  it("is null when some fault never heals", () => {
    expect(healTime(plan([{ at_s: 10, partition: [["agent-0"]] }]))).toBeNull();
    expect(healTime(plan([{ at_s: 10, loss: 0.2 }]))).toBeNull();
    expect(healTime(plan([{ crash_rate: { per_hour: 1 } }]))).toBeNull();
  });

  it("treats a crash without recovery and a Byzantine agent for good as healed at their start", () => {
    expect(
      healTime(
        plan([
          { at_s: 10, crash: ["agent-0"] },
          { at_s: 3, byzantine: ["agent-1"] },
        ]),
      ),
    ).toBe(10);
  });
});
