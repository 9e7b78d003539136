import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { curveSpec } from "../../src/viz/curveSpec.js";
import { INTEGER_TICKS } from "../../src/viz/FigureOptions.js";
import { renderSvg } from "../../src/viz/renderSvg.js";
import { sweepFigureSpec } from "../../src/viz/sweepFigure.js";

// An axis of whole numbers (team size n, agents.count, a count per run) must not
// get ticks at 1.5, 2.5, ...: vega's default for a narrow domain.

const dir = mkdtempSync(join(tmpdir(), "teamsim-axes-"));

// A sweep summary over `axis` at `values`, two structures (so speedup has colors).
function summary(name: string, axis: string, values: number[]): string {
  const rows = values.flatMap((v, i) =>
    ["independent", "tree"].map((protocol, j) => ({
      point: 2 * i + j,
      [axis]: v,
      "team.protocol": protocol,
      replicates: 3,
      "accuracy.mean": 0.6 + 0.01 * i,
      "accuracy.ci95_lo": 0.55,
      "accuracy.ci95_hi": 0.7,
      "speedup.mean": 1 + 0.7 * i - 0.1 * j,
      "speedup_bound.mean": 1 + i,
      "cost_usd.mean": 0.01 * (i + 1),
    })),
  );
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(rows));
  return file;
}

// The tick labels of the x axis of a rendered figure (and its title, last).
async function xTicks(spec: Parameters<typeof renderSvg>[0]): Promise<string[]> {
  const svg = await renderSvg(spec);
  const from = svg.indexOf('aria-label="X-axis');
  const axis = svg.slice(from, svg.indexOf('aria-label="Y-axis', from));
  return [...axis.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
}

describe("whole-number axes", () => {
  const counts = summary("counts", "agents.count", [1, 2, 3, 4, 5, 6, 7, 8]);

  it.each(["scaling", "speedup"] as const)(
    "%s against agents.count ticks whole numbers only",
    async (kind) => {
      const spec = sweepFigureSpec(counts, { kind, x: "agents.count" }) as Record<string, any>;
      const layers = (spec.layer ?? [spec]) as Record<string, any>[];
      for (const l of layers) expect(l.encoding.x.axis).toEqual(INTEGER_TICKS);
      const ticks = await xTicks(spec as never);
      expect(ticks.length).toBeGreaterThan(2);
      for (const t of ticks.slice(0, -1)) expect(t).toMatch(/^\d+$/);
    },
  );

  it("a fractional axis (network.loss) keeps vega's ticks", () => {
    const loss = summary("loss", "network.loss", [0, 0.05, 0.1, 0.2]);
    const spec = sweepFigureSpec(loss, { kind: "scaling", x: "network.loss" }) as Record<
      string,
      any
    >;
    for (const l of spec.layer as Record<string, any>[]) expect(l.encoding.x.axis).toBeUndefined();
  });

  it("team size n in curves (linear and log) has tickMinStep 1 and format d", async () => {
    for (const logX of [false, true]) {
      const points = [1, 2, 3].map((n) => ({ n, value: n }));
      const spec = curveSpec([{ name: "c", points }], {
        title: "t",
        xTitle: "team size n",
        yTitle: "y",
        logX,
      }) as Record<string, any>;
      expect(spec.encoding.x.axis).toEqual({ tickMinStep: 1, format: ",d" });
      const ticks = await xTicks(spec as never);
      for (const t of ticks.slice(0, -1)) expect(t).toMatch(/^\d+$/);
    }
  });
});
