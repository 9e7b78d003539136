import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { TopLevelSpec } from "vega-lite";

const require = createRequire(import.meta.url);

// Each package's browser bundle sits in its build/ directory, beside a file its
// exports map lets us resolve (package.json itself is not exported).
const BUNDLES = [
  ["vega/vega-schema.json", "vega.min.js"],
  ["vega-lite/vega-lite-schema.json", "vega-lite.min.js"],
  ["vega-embed", "vega-embed.min.js"],
] as const;

let cachedScripts: string | undefined;

/** vega, vega-lite and vega-embed as inline <script> elements (read once). */
export function inlineScripts(): string {
  if (cachedScripts === undefined) {
    cachedScripts = BUNDLES.map(([anchor, file]) => {
      const code = readFileSync(join(dirname(require.resolve(anchor)), file), "utf8");
      return `<script>${escapeScript(code)}</script>`;
    }).join("\n");
  }
  return cachedScripts;
}

// "</script" anywhere in inlined code would end the element early; "<\/" means
// the same inside JS strings, regexes and templates, which is where it occurs.
function escapeScript(code: string): string {
  return code.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * One self-contained HTML page showing the spec interactively: vega, vega-lite
 * and vega-embed are inlined, nothing is fetched from the network.
 */
export function renderHtml(spec: TopLevelSpec): string {
  const title = typeof spec.title === "string" ? spec.title : "teamsim figure";
  // JSON is valid JS; escaping "<" keeps "</script>" in a title from closing the element.
  const json = JSON.stringify(spec, null, 2).replace(/</g, "\\u003c");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>body { font-family: Helvetica, Arial, sans-serif; margin: 24px; }</style>
${inlineScripts()}
</head>
<body>
<div id="figure"></div>
<script id="spec" type="application/json">${json}</script>
<script>
const spec = JSON.parse(document.getElementById("spec").textContent);
vegaEmbed("#figure", spec, { actions: false, renderer: "svg" }).catch((e) => {
  document.getElementById("figure").textContent = String(e);
});
</script>
</body>
</html>
`;
}
