import { describe, expect, it } from "vitest";
import { renderSvg } from "../../src/viz/renderSvg.js";
import { scaleCostSpec } from "../../src/viz/scaleCostSpec.js";

describe("scaleCostSpec", () => {
  const points = [
    { protocol: "gossip (push-sum)", agents: 10, seconds: 0.01, peak_mb: 80 },
    { protocol: "gossip (push-sum)", agents: 1000, seconds: 1.2, peak_mb: 120 },
    { protocol: "pbft", agents: 10, seconds: 0.02, peak_mb: 81 },
    { protocol: "pbft", agents: 100, seconds: 0.9, peak_mb: 95 },
  ];

  it("draws time and memory against agents, both on log scales, one line per protocol", () => {
    const spec = scaleCostSpec(points, "t") as unknown as {
      hconcat: {
        encoding: { x: { scale: { type: string } }; y: { field: string; scale: { type: string } } };
      }[];
    };
    expect(spec.hconcat.map((p) => p.encoding.y.field)).toEqual(["seconds", "peak_mb"]);
    for (const p of spec.hconcat) {
      expect(p.encoding.x.scale.type).toBe("log");
      expect(p.encoding.y.scale.type).toBe("log");
    }
  });

  it("renders to an SVG that names every protocol", async () => {
    const svg = await renderSvg(scaleCostSpec(points, "scale"));
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain("gossip (push-sum)");
    expect(svg).toContain("pbft");
  });
});
