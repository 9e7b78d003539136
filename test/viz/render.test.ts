import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import vm from "node:vm";
import { Resvg } from "@resvg/resvg-js";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/core/InputError.js";
import { compareSpec } from "../../src/viz/compareSpec.js";
import { curveSpec } from "../../src/viz/curveSpec.js";
import { renderHtml } from "../../src/viz/renderHtml.js";
import { renderPng } from "../../src/viz/renderPng.js";
import { renderSvg } from "../../src/viz/renderSvg.js";
import { figureFormat, writeFigure } from "../../src/viz/writeFigure.js";

const amdahl = (p: number, n: number) => 1 / (1 - p + p / n);
const SIZES = [1, 2, 4, 8];
const spec = curveSpec(
  [
    { name: "p=0.9", points: SIZES.map((n) => ({ n, value: amdahl(0.9, n) })) },
    { name: "p=0.5", points: SIZES.map((n) => ({ n, value: amdahl(0.5, n) })) },
  ],
  { title: "Amdahl speedup", xTitle: "team size n", yTitle: "speedup", logX: true },
);

// The path data of every mark of a type (vega groups a colored line per series).
function markPaths(svg: string, mark: string): string[] {
  const groups = svg.matchAll(
    new RegExp(`<g class="mark-${mark} role-mark[^"]*"[^>]*>(.*?)</g>`, "g"),
  );
  return [...groups].flatMap((g) => [...g[1].matchAll(/<path[^>]* d="([^"]+)"/g)].map((m) => m[1]));
}

function pngSize(png: Buffer): { width: number; height: number } {
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

// Built before any render, so it is the spec as the builder made it.
const pristine = structuredClone(spec);

describe("renderSvg", () => {
  it("draws one line per series through the points, the dots, the title and axis titles", async () => {
    const svg = await renderSvg(spec);
    expect(svg.startsWith("<svg")).toBe(true);
    const lines = markPaths(svg, "line");
    expect(lines).toHaveLength(2);
    // Plot width 480 on a log2 axis over [1, 8]: n = 1, 2, 4, 8 sit at x = 0, 160, 320, 480.
    for (const d of lines) {
      const xs = [...d.matchAll(/[ML]([-\d.]+),/g)].map((m) => Number(m[1]));
      expect(xs).toEqual([0, 160, 320, 480]);
    }
    expect(markPaths(svg, "symbol")).toHaveLength(2 * SIZES.length);
    for (const text of ["Amdahl speedup", "team size n", "speedup", "p=0.9", "p=0.5"]) {
      expect(svg).toContain(`>${text}</text>`);
    }
    expect(svg).toContain('font-family="Helvetica, Arial, DejaVu Sans');
  });

  it("puts the higher curve higher: y falls as the speedup rises", async () => {
    const svg = await renderSvg(spec);
    const ys = (d: string) => [...d.matchAll(/[ML][-\d.]+,([-\d.]+)/g)].map((m) => Number(m[1]));
    const [p9, p5] = markPaths(svg, "line").map(ys);
    expect(p9[0]).toBeCloseTo(p5[0], 6); // both 1 at n = 1
    for (let i = 1; i < SIZES.length; i++) expect(p9[i]).toBeLessThan(p5[i]);
  });

  it("is deterministic: the same spec gives the same bytes, another spec other bytes", async () => {
    const a = await renderSvg(spec);
    const b = await renderSvg(spec);
    expect(b).toBe(a);
    const band = compareSpec([{ n: 1, simulated: 1, lo: 0.9, hi: 1.1, theory: 1 }], {
      title: "x",
      xTitle: "n",
      yTitle: "y",
    });
    expect(await renderSvg(band)).toBe(await renderSvg(band));
    expect(await renderSvg(band)).not.toBe(a);
  });
});

describe("renderPng", () => {
  it("writes a PNG of the requested width with the SVG's aspect ratio, on white", async () => {
    const svg = await renderSvg(spec);
    const png = renderPng(svg, { width: 800 });
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const w = Number(/width="([\d.]+)"/.exec(svg)?.[1]);
    const h = Number(/height="([\d.]+)"/.exec(svg)?.[1]);
    const size = pngSize(png);
    expect(size.width).toBe(800);
    expect(Math.abs(size.height - (800 * h) / w)).toBeLessThanOrEqual(1);
    // Decode it again: the corner is opaque white, and some pixels are drawn.
    const pixels = new Resvg(svg, { fitTo: { mode: "width", value: 200 } }).render().pixels;
    expect(pixels.length).toBeGreaterThan(0);
    expect(pngSize(renderPng(svg))).toMatchObject({ width: 2 * w });
  });

  it("is deterministic", async () => {
    const svg = await renderSvg(spec);
    expect(renderPng(svg).equals(renderPng(svg))).toBe(true);
  });
});

describe("renderHtml", () => {
  const html = renderHtml(spec);
  const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];

  it("carries the spec and the inlined vega, vega-lite and vega-embed code", () => {
    const embedded = scripts.find((m) => m[1].includes('id="spec"'));
    expect(JSON.parse(embedded?.[2] ?? "null")).toEqual(spec);
    expect(html).toContain("<title>Amdahl speedup</title>");
    const code = scripts.map((m) => m[2]).join("\n");
    for (const global of [".vega=", ".vegaLite=", ".vegaEmbed="]) expect(code).toContain(global);
    expect(html.length).toBeGreaterThan(500_000);
  });

  it("loads nothing from the network", () => {
    // The page's own markup (the bundles' code is data to it): no element that fetches.
    const markup = html.replace(/(<script[^>]*>)[\s\S]*?<\/script>/g, "$1</script>");
    expect(markup.length).toBeLessThan(2000);
    expect(markup).not.toMatch(/\s(src|href)\s*=/i);
    expect(markup).not.toMatch(/<(link|img|iframe|object|embed|base)\b/i);
    expect(markup).not.toMatch(/https?:|@import|url\(/i);
    expect(scripts).toHaveLength(5);
    expect(scripts.every((m) => !/\ssrc\s*=/i.test(m[1]))).toBe(true);
    // vega-embed's action menu links to the online editor; it is switched off.
    expect(scripts[4][2]).toContain("actions: false");
  });

  it("its inlined code runs on its own and draws the same figure", async () => {
    // A bare context: no require, no fetch, no DOM. The bundles define their
    // globals; vega-lite and vega then render the page's own spec.
    const ctx = vm.createContext({
      setTimeout,
      clearTimeout,
      setInterval,
      clearInterval,
      structuredClone,
      queueMicrotask,
      console,
    });
    vm.runInContext("globalThis.self = globalThis;", ctx);
    for (const m of scripts.filter((s) => s[1] === "").slice(0, 3)) vm.runInContext(m[2], ctx);
    expect(vm.runInContext("typeof vegaEmbed", ctx)).toBe("function");
    ctx.specText = scripts.find((m) => m[1].includes('id="spec"'))?.[2];
    const svg = await vm.runInContext(
      'new vega.View(vega.parse(vegaLite.compile(JSON.parse(specText)).spec), { renderer: "none" }).toSVG()',
      ctx,
    );
    expect(svg).toBe(await renderSvg(spec));
  });

  it("escapes a title that would close the script element", () => {
    const evil = curveSpec([{ name: "x", points: [{ n: 1, value: 1 }] }], {
      title: "</script><script>alert(1)</script>",
      xTitle: "n",
      yTitle: "y",
    });
    const page = renderHtml(evil);
    expect(page).not.toContain("</script><script>alert");
    const embedded = /<script id="spec" type="application\/json">([\s\S]*?)<\/script>/.exec(page);
    expect(JSON.parse(embedded?.[1] ?? "null").title).toBe("</script><script>alert(1)</script>");
  });
});

describe("writeFigure", () => {
  const dir = mkdtempSync(join(tmpdir(), "teamsim-viz-"));

  it("does not change the spec it renders", async () => {
    const fresh = structuredClone(spec);
    await renderSvg(fresh);
    renderHtml(fresh);
    expect(fresh).toEqual(pristine);
  });

  it("chooses the format by extension and leaves no temporary file", async () => {
    await writeFigure(spec, join(dir, "f.svg"));
    await writeFigure(spec, join(dir, "f.png"));
    await writeFigure(spec, join(dir, "F.HTML"));
    expect(readFileSync(join(dir, "f.svg"), "utf8")).toBe(await renderSvg(spec));
    expect(readFileSync(join(dir, "f.png")).subarray(1, 4).toString()).toBe("PNG");
    expect(readFileSync(join(dir, "F.HTML"), "utf8")).toBe(renderHtml(spec));
    expect(readdirSync(dir).sort()).toEqual(["F.HTML", "f.png", "f.svg"]);
  });

  it("rejects an unknown extension or a missing directory as InputError, writing nothing", async () => {
    expect(() => figureFormat(join(dir, "f.pdf"))).toThrow(InputError);
    expect(() => figureFormat(join(dir, "f.pdf"))).toThrow(
      /expected a figure file ending in \.svg, \.png or \.html, found "\.pdf"/,
    );
    expect(() => figureFormat(join(dir, "noext"))).toThrow(/found no extension/);
    await expect(writeFigure(spec, join(dir, "g.jpeg"))).rejects.toThrow(InputError);
    await expect(writeFigure(spec, join(dir, "missing", "g.svg"))).rejects.toThrow(
      /an existing directory/,
    );
    expect(existsSync(join(dir, "g.jpeg"))).toBe(false);
  });
});
