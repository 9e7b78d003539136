import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { empiricalCdf } from "../../src/viz/cdfSpec.js";
import { paretoFront } from "../../src/viz/paretoSpec.js";

// End-to-end through the built bin, on one small sweep with --plot.
const BIN = join(import.meta.dirname, "../../bin/teamsim.js");
const QUICK = join(import.meta.dirname, "../../scenarios/quickstart.yaml");
const root = mkdtempSync(join(tmpdir(), "teamsim-plot-"));
const dir = join(root, "q");

function teamsim(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// The path data of every mark of a type (vega groups one path per line or dot).
function markPaths(svg: string, mark: string): string[] {
  const groups = svg.matchAll(
    new RegExp(`<g class="mark-${mark} role-mark[^"]*"[^>]*>(.*?)</g>`, "g"),
  );
  return [...groups].flatMap((g) => [...g[1].matchAll(/<path[^>]* d="([^"]+)"/g)].map((m) => m[1]));
}

function plot(name: string, ...args: string[]): string {
  const file = join(root, name);
  const r = teamsim("plot", dir, ...args, "-o", file);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toBe(`${file}\n`);
  return file;
}

describe("teamsim plot", () => {
  const swept = teamsim(
    "sweep",
    QUICK,
    "--out",
    dir,
    "-q",
    "--sweep",
    "agents.count=1,3,5",
    "--set",
    "replicates=6",
    "--set",
    "task.items=20",
    "--workers",
    "1",
    "--plot",
  );

  it("sweep --plot writes the default figures next to the results", () => {
    expect(swept.code, swept.stderr).toBe(0);
    for (const f of ["scaling.svg", "pareto.svg"]) {
      const svg = readFileSync(join(dir, "figures", f), "utf8");
      expect(svg.startsWith("<svg")).toBe(true);
    }
    const scaling = readFileSync(join(dir, "figures", "scaling.svg"), "utf8");
    expect(markPaths(scaling, "line")).toHaveLength(1);
    expect(markPaths(scaling, "area")).toHaveLength(1);
    expect(scaling).toContain(">agents.count</text>");
  });

  it("scaling: a line with a dot per point, the CI band and a dashed law overlay", () => {
    const file = plot(
      "scaling.svg",
      "--x",
      "agents.count",
      "--y",
      "accuracy.mean",
      "--band",
      "ci95",
      "--law",
      "vote",
      "--param",
      "p=0.6",
    );
    const svg = readFileSync(file, "utf8");
    expect(markPaths(svg, "line")).toHaveLength(2);
    expect(markPaths(svg, "area")).toHaveLength(1);
    expect(markPaths(svg, "symbol")).toHaveLength(3);
    expect(svg).toContain('stroke-dasharray="6,4"');
    for (const t of ["agents.count", "accuracy.mean", "vote (p=0.6)"])
      expect(svg).toContain(`>${t}</text>`);
    // Deterministic bytes.
    const again = plot(
      "scaling2.svg",
      "--x",
      "agents.count",
      "--y",
      "accuracy.mean",
      "--band",
      "ci95",
      "--law",
      "vote",
      "--param",
      "p=0.6",
    );
    expect(readFileSync(again, "utf8")).toBe(svg);
  });

  it("pareto: a dot per point colored by --color and the front as a step line", () => {
    const svg = readFileSync(
      plot("pareto.svg", "--kind", "pareto", "--color", "agents.count"),
      "utf8",
    );
    expect(markPaths(svg, "symbol")).toHaveLength(3);
    expect(markPaths(svg, "line")).toHaveLength(1);
    for (const t of ["cost_usd.mean", "accuracy.mean", "1", "5"])
      expect(svg).toContain(`>${t}</text>`);
  });

  it("cdf: one step line per --color value from results.jsonl", () => {
    const svg = readFileSync(
      plot("cdf.svg", "--kind", "cdf", "--x", "makespan_s", "--color", "agents.count"),
      "utf8",
    );
    expect(markPaths(svg, "line")).toHaveLength(3);
    for (const t of ["makespan_s", "fraction of runs"]) expect(svg).toContain(`>${t}</text>`);
  });

  it("speedup: the speedup line and the dashed work-span bound", () => {
    const svg = readFileSync(plot("speedup.svg", "--kind", "speedup"), "utf8");
    expect(markPaths(svg, "line")).toHaveLength(2);
    expect(svg).toContain(">work-span bound</text>");
    expect(svg).toContain(">speedup.mean</text>");
  });

  it("PNG is a real PNG; HTML is self-contained", () => {
    const png = readFileSync(plot("fig.png", "--band", "ci95"));
    expect(png.subarray(0, 8)).toEqual(
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    );
    const html = readFileSync(plot("fig.html"), "utf8");
    expect(html).toContain("vegaEmbed(");
    expect(html).not.toMatch(/<script[^>]+src=/);
  });

  it("reads summary.csv too", () => {
    const file = join(root, "csv.svg");
    const r = teamsim("plot", join(dir, "summary.csv"), "--band", "ci95", "-o", file);
    expect(r.code, r.stderr).toBe(0);
    expect(markPaths(readFileSync(file, "utf8"), "symbol")).toHaveLength(3);
  });

  it("an unknown column exits 2 listing the available columns, writing nothing", () => {
    const file = join(root, "bad.svg");
    const r = teamsim("plot", dir, "--x", "agents.count", "--y", "acuracy.mean", "-o", file);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /--y: expected a column of .*summary\.json \(available: point, agents\.count, replicates, accuracy\.mean/,
    );
    expect(r.stderr).toContain('found "acuracy.mean"');
    expect(existsSync(file)).toBe(false);
    const k = teamsim("plot", dir, "--kind", "pie", "-o", file);
    expect(k.code).toBe(2);
    expect(k.stderr).toContain("scaling, pareto, cdf, speedup");
  });
});

describe("figure math", () => {
  it("the Pareto front keeps exactly the non-dominated points by increasing cost", () => {
    const pts = [
      { x: 1, y: 0.5 },
      { x: 2, y: 0.4 },
      { x: 2, y: 0.7 },
      { x: 3, y: 0.7 },
      { x: 4, y: 0.9 },
    ];
    expect(paretoFront(pts)).toEqual([pts[0], pts[2], pts[4]]);
  });

  it("the empirical CDF steps to 1 with ties merged", () => {
    expect(empiricalCdf([3, 1, 2, 2])).toEqual([
      { x: 1, p: 0.25 },
      { x: 2, p: 0.75 },
      { x: 3, p: 1 },
    ]);
  });
});
