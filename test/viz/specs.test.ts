import { compile } from "vega-lite";
import { describe, expect, it } from "vitest";
import { bandSpec } from "../../src/viz/bandSpec.js";
import { compareSpec } from "../../src/viz/compareSpec.js";
import { curveSpec, MAX_DOTS } from "../../src/viz/curveSpec.js";
import { fitSpec } from "../../src/viz/fitSpec.js";

// The spec builders are pure data: check what they put in, and that vega-lite
// compiles them without a warning (a warning means a channel or scale was dropped).
function compilesCleanly(spec: Parameters<typeof compile>[0]): void {
  const warnings: string[] = [];
  const logger = {
    level: () => logger,
    error: (...m: unknown[]) => {
      warnings.push(m.join(" "));
      return logger;
    },
    warn: (...m: unknown[]) => {
      warnings.push(m.join(" "));
      return logger;
    },
    info: () => logger,
    debug: () => logger,
  };
  compile(spec, { logger } as Parameters<typeof compile>[1]);
  expect(warnings).toEqual([]);
}

const opts = { title: "T", xTitle: "team size n", yTitle: "speedup" };

describe("curveSpec", () => {
  it("puts every series' points in the data, colors by series, titles the axes", () => {
    const spec = curveSpec(
      [
        {
          name: "a",
          points: [
            { n: 1, value: 1 },
            { n: 2, value: 1.5 },
          ],
        },
        { name: "b", points: [{ n: 1, value: 1 }] },
      ],
      { ...opts, logX: true },
    ) as Record<string, any>;
    expect(spec.data.values).toEqual([
      { series: "a", n: 1, value: 1 },
      { series: "a", n: 2, value: 1.5 },
      { series: "b", n: 1, value: 1 },
    ]);
    expect(spec.encoding.color.field).toBe("series");
    expect(spec.encoding.color.sort).toEqual(["a", "b"]);
    expect(spec.encoding.x.title).toBe("team size n");
    expect(spec.encoding.x.scale).toEqual({ type: "log", base: 2 });
    expect(spec.encoding.y.title).toBe("speedup");
    expect(spec.mark.point).toBe(true);
    expect(spec.config.font).toMatch(/sans-serif$/);
    compilesCleanly(spec as never);
  });

  it("draws no legend for one series and no dots past MAX_DOTS points", () => {
    const many = Array.from({ length: MAX_DOTS + 1 }, (_, i) => ({ n: i + 1, value: i }));
    const spec = curveSpec([{ name: "only", points: many }], opts) as Record<string, any>;
    expect(spec.encoding.color).toBeUndefined();
    expect(spec.mark.point).toBe(false);
    expect(spec.encoding.x.scale.type).toBeUndefined();
    compilesCleanly(spec as never);
  });
});

describe("bandSpec and compareSpec", () => {
  it("layers the band (lo..hi) under the mean line and the dashed theory line", () => {
    const spec = compareSpec(
      [
        { n: 1, simulated: 0.7, lo: 0.68, hi: 0.72, theory: 0.7 },
        { n: 3, simulated: 0.78, lo: 0.76, hi: 0.8, theory: 0.784 },
      ],
      opts,
    ) as Record<string, any>;
    expect(spec.data.values).toEqual([
      { series: "simulated (95% CI)", n: 1, value: 0.7, lo: 0.68, hi: 0.72 },
      { series: "simulated (95% CI)", n: 3, value: 0.78, lo: 0.76, hi: 0.8 },
      { series: "theory", n: 1, value: 0.7 },
      { series: "theory", n: 3, value: 0.784 },
    ]);
    const [band, line] = spec.layer;
    expect(band.mark.type).toBe("area");
    expect(band.encoding.y.field).toBe("lo");
    expect(band.encoding.y2.field).toBe("hi");
    expect(line.encoding.strokeDash.scale.range).toEqual([
      [1, 0],
      [6, 4],
    ]);
    compilesCleanly(spec as never);
  });

  it("without theory has only the band's series", () => {
    const spec = bandSpec([{ n: 2, mean: 1, lo: 0.9, hi: 1.1 }], undefined, opts) as Record<
      string,
      any
    >;
    expect(spec.data.values).toHaveLength(1);
    expect(spec.layer[1].encoding.color.scale.domain).toEqual(["simulated (95% CI)"]);
    compilesCleanly(spec as never);
  });
});

describe("fitSpec", () => {
  it("draws the measurements as dots and the fit as a line", () => {
    const spec = fitSpec(
      [{ n: 2, value: 1.9 }],
      [
        { n: 1, value: 1 },
        { n: 2, value: 1.9 },
      ],
      { ...opts, dataLabel: "measured", fitLabel: "USL fit" },
    ) as Record<string, any>;
    expect(spec.layer.map((l: any) => l.mark.type)).toEqual(["line", "point"]);
    expect(spec.data.values.filter((v: any) => v.series === "USL fit")).toHaveLength(2);
    compilesCleanly(spec as never);
  });
});
