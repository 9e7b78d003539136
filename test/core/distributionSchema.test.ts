import { describe, expect, it } from "vitest";
import { distributionSchema, distToInput } from "../../src/core/distributionSchema.js";

const seconds = distributionSchema("_s");

describe("distributionSchema: mixtures", () => {
  it("reads weighted components in the unit's spelling and normalizes them", () => {
    const spec = seconds.parse({
      dist: "mixture",
      components: [
        { weight: 0.7, dist: "lognormal", median_s: 3, sigma: 0.9 },
        { weight: 0.3, dist: "gamma", shape: 2, scale_s: 10 },
      ],
    });
    expect(spec).toEqual({
      dist: "mixture",
      components: [
        { weight: 0.7, dist: "lognormal", median: 3, sigma: 0.9 },
        { weight: 0.3, dist: "gamma", shape: 2, scale: 10 },
      ],
    });
    expect(seconds.parse(distToInput(spec, "_s"))).toEqual(spec);
  });

  it.each([
    [
      [
        { weight: 0.7, dist: "fixed", value_s: 1 },
        { weight: 0.2, dist: "fixed", value_s: 2 },
      ],
      /sum to 1/,
    ],
    [
      [
        { weight: 0, dist: "fixed", value_s: 1 },
        { weight: 1, dist: "fixed", value_s: 2 },
      ],
      /too_small|>0|greater/i,
    ],
    [[{ dist: "fixed", value_s: 1 }], /weight/],
    [[{ weight: 1, dist: "lognormal", median: 1, sigma: 1 }], /median/],
    [[{ weight: 1, dist: "mixture", components: [] }], /dist/],
    [[{ weight: 1, dist: "uniform", min_s: 3, max_s: 1 }], /min_s <= max_s/],
    [[], /too_small|>=1|at least/i],
  ])("rejects components %j", (components, message) => {
    const r = seconds.safeParse({ dist: "mixture", components });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toMatch(message);
  });

  it("accepts weights that sum to 1 within 1e-6", () => {
    const components = [
      { weight: 0.1 + 0.2, dist: "fixed", value: 1 },
      { weight: 0.7000004, dist: "fixed", value: 2 },
    ];
    expect(distributionSchema("").safeParse({ dist: "mixture", components }).success).toBe(true);
  });
});
