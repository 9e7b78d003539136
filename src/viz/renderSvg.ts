import type { TopLevelSpec } from "vega-lite";

/**
 * Renders a vega-lite spec to SVG text, headless (no DOM, no canvas). vega and
 * vega-lite load on first use, so commands that draw nothing do not pay for them.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const [vega, vegaLite] = await Promise.all([import("vega"), import("vega-lite")]);
  // vega-lite's compile writes into the spec it is given; keep the caller's intact.
  const compiled = vegaLite.compile(structuredClone(spec)).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none", logLevel: vega.Warn });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
