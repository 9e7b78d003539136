import type { TopLevelSpec } from "vega-lite";
import type { ReportData } from "../experiment/buildReport.js";
import { cdfSpec } from "./cdfSpec.js";
import { type LamportDiagram, lamportDiagram } from "./lamportDiagram.js";
import { LAMPORT_SCRIPT } from "./lamportScript.js";
import { inlineScripts } from "./renderHtml.js";
import { sweepReportFigures } from "./reportFigures.js";
import { finite, readSummary, tableColumns } from "./sweepTable.js";

/** A figure of the report: a vega-lite spec drawn in the page. */
export interface ReportFigure {
  title: string;
  spec: TopLevelSpec;
}

/** What the command adds to the collected data: the summary as `run` prints it. */
export interface ReportExtras {
  /** The run's summary in the words and table of `teamsim run` (plain text). */
  summaryText?: string;
  /** The diagram's time window, if one was asked for. */
  from?: number;
  to?: number;
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * JSON to embed in a <script type="application/json">: every "<" is escaped,
 * so neither "</script" nor "<!--" in a scenario's text can end the element.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** The figures of a scenario's report: CDFs of makespan and cost over its replicates. */
export function runFigures(run: NonNullable<ReportData["run"]>): ReportFigure[] {
  if (run.makespans.length === 0) return [];
  const opts = { yTitle: "fraction of replicates", width: 420, height: 240 };
  return [
    {
      title: "makespan over replicates",
      spec: cdfSpec([{ name: "makespan_s", samples: run.makespans.filter(Number.isFinite) }], {
        ...opts,
        title: "CDF of makespan (s)",
        xTitle: "makespan_s",
      }),
    },
    {
      title: "cost over replicates",
      spec: cdfSpec([{ name: "cost_usd", samples: run.costs.filter(Number.isFinite) }], {
        ...opts,
        title: "CDF of cost (USD)",
        xTitle: "cost_usd",
      }),
    },
  ];
}

/**
 * The whole report as one self-contained HTML page: the scenario, the summary,
 * the checkers' verdicts, the figures (vega, inlined), and the space-time
 * diagram of one replicate (LAMPORT_SCRIPT, inlined). Nothing is fetched.
 */
export function reportHtml(data: ReportData, extras: ReportExtras = {}): string {
  const diagram = lamportDiagram(data.traced.events, {
    from: extras.from,
    to: extras.to,
    maxEvents: data.traced.cap,
  });
  const figures = data.run
    ? runFigures(data.run)
    : data.sweep
      ? sweepReportFigures(data.sweep.dir, data.sweep.axes)
      : [];
  const title = `teamsim report: ${data.name}`;
  const sections = [
    summarySection(data, extras),
    verdictSection(data),
    figureSection(figures),
    diagramSection(data, diagram),
    `<section id="scenario"><h2>Scenario</h2><pre class="scenario">${escapeHtml(data.scenarioText)}</pre></section>`,
  ];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
${figures.length > 0 ? inlineScripts() : ""}
</head>
<body>
<h1 id="title">${escapeHtml(title)}</h1>
<nav><a href="#summary">summary</a> · <a href="#verdicts">verdicts</a>${figures.length > 0 ? ' · <a href="#figures">figures</a>' : ""} · <a href="#diagram">space-time diagram</a> · <a href="#scenario">scenario</a></nav>
${sections.join("\n")}
<script id="lamport-data" type="application/json">${scriptJson(diagram)}</script>
<script id="figure-specs" type="application/json">${scriptJson(figures.map((f) => f.spec))}</script>
<script>${LAMPORT_SCRIPT}</script>
${figures.length > 0 ? FIGURE_SCRIPT : ""}
</body>
</html>
`;
}

const FIGURE_SCRIPT = `<script>
(function () {
  var specs = JSON.parse(document.getElementById("figure-specs").textContent);
  specs.forEach(function (spec, i) {
    var target = document.getElementById("figure-" + i);
    vegaEmbed(target, spec, { actions: false, renderer: "svg" }).catch(function (e) {
      target.textContent = String(e);
    });
  });
})();
</script>`;

function summarySection(data: ReportData, extras: ReportExtras): string {
  const parts = [`<section id="summary"><h2>Summary</h2>`];
  if (extras.summaryText !== undefined) {
    parts.push(`<pre class="summary">${escapeHtml(extras.summaryText)}</pre>`);
  }
  if (data.sweep !== undefined) {
    const table = readSummary(data.sweep.dir);
    const axes = data.sweep.axes.map((a) => a.path);
    const wanted = [
      ...axes,
      "accuracy.mean",
      "makespan_s.mean",
      "cost_usd.mean",
      "messages.mean",
      "speedup.mean",
      "violations",
    ];
    const columns = wanted.filter((c) => tableColumns(table).includes(c));
    const cell = (v: unknown) => {
      const n = finite(v);
      return escapeHtml(n === undefined ? String(v ?? "") : String(Number(n.toPrecision(4))));
    };
    parts.push(
      `<p>Sweep directory ${escapeHtml(data.sweep.dir)}: ${table.rows.length} points, ${data.sweep.replicates} replicates each.</p>`,
      `<table class="sweep"><thead><tr>${columns.map((c) => `<th>${escapeHtml(c)}</th>`).join("")}</tr></thead><tbody>`,
      ...table.rows.map((r) => `<tr>${columns.map((c) => `<td>${cell(r[c])}</td>`).join("")}</tr>`),
      `</tbody></table>`,
    );
  }
  parts.push(`</section>`);
  return parts.join("\n");
}

function verdictSection(data: ReportData): string {
  const rows: string[] = [];
  const report = data.run?.report;
  if (report !== undefined) {
    const s = report.summary;
    rows.push(
      `<p>Over ${report.replicates} replicates: <b>${s.violations}</b> safety violations, <b>${s.liveness_violations}</b> liveness violations (liveness ok in ${s.liveness.ok}, failed in ${s.liveness.failed}, inconclusive in ${s.liveness.inconclusive}, n/a in ${s.liveness.not_applicable}).</p>`,
    );
    if (report.violations.length > 0) {
      rows.push(
        "<ul>",
        ...report.violations.map(
          (v) =>
            `<li>${escapeHtml(v.check)} failed in replicate ${v.replicate} (seed ${escapeHtml(v.replicate_seed)}): ${escapeHtml(v.detail)}</li>`,
        ),
        "</ul>",
      );
    }
  }
  const t = data.traced;
  rows.push(
    `<p>The checkers on the diagrammed replicate ${t.replicate}:</p>`,
    `<table class="verdicts"><thead><tr><th>check</th><th>verdict</th><th>detail</th></tr></thead><tbody>`,
    ...t.verdicts.map(
      (v) =>
        `<tr class="${v.ok ? "ok" : "failed"}"><td>${escapeHtml(v.check)}</td><td>${v.ok ? "ok" : "FAILED"}${v.note ? ` (${escapeHtml(v.note)})` : ""}</td><td>${escapeHtml(v.detail ?? "")}</td></tr>`,
    ),
    "</tbody></table>",
  );
  return `<section id="verdicts"><h2>Verdicts</h2>\n${rows.join("\n")}\n</section>`;
}

function figureSection(figures: readonly ReportFigure[]): string {
  if (figures.length === 0) return "";
  const divs = figures.map(
    (f, i) => `<div class="figure" id="figure-${i}" aria-label="${escapeHtml(f.title)}"></div>`,
  );
  return `<section id="figures"><h2>Figures</h2><div class="figures">${divs.join("")}</div></section>`;
}

function diagramSection(data: ReportData, d: LamportDiagram): string {
  const t = data.traced;
  const point = t.point.length > 0 ? ` at the sweep point ${t.point.join(", ")}` : "";
  const notes: string[] = [];
  if (t.total > t.cap) {
    notes.push(
      `The replicate traced ${t.total} events in the window; only the first ${t.cap} were kept, so the diagram stops early (narrow the window with --from/--to).`,
    );
  }
  if (d.note !== undefined) notes.push(d.note);
  return `<section id="diagram"><h2>Space-time diagram of replicate ${t.replicate}${escapeHtml(point)}</h2>
<p class="help">One lane per node; time runs right. Bars are LLM calls (green ok, orange straggler, red failed, grey cancelled or running); arrows are messages from send to delivery, colored by kind (dashed red with a cross: dropped; an orange dot: held by a partition; dashed: still in flight); hatched red: a partition; yellow band: a node leading a term. Marks: <span style="color:#d62728">✕ crash</span>, <span style="color:#2ca02c">▲ recovery</span>, <span style="color:#b35900">○ candidate</span>, <span style="color:#7a5900">◆ leader</span>, <span style="color:#6a3d9a">■ view change</span>, <span style="color:#1f4e9c">| commit, ◆ decision</span>, <span style="color:#c2185b">? suspicion, • trust again</span>. Hover anything for details; wheel to zoom, drag to pan.</p>
${notes.map((n) => `<p class="note">${escapeHtml(n)}</p>`).join("\n")}
<div class="toolbar">
<button id="lamport-zoom-in" type="button" title="zoom in">zoom +</button>
<button id="lamport-zoom-out" type="button" title="zoom out">zoom −</button>
<button id="lamport-left" type="button" title="earlier">◀</button>
<button id="lamport-right" type="button" title="later">▶</button>
<button id="lamport-fit" type="button" title="the whole run">fit</button>
<form id="lamport-window">window <input id="lamport-from" size="8" aria-label="from (s)"> s to <input id="lamport-to" size="8" aria-label="to (s)"> s <button type="submit">show</button></form>
</div>
<div id="lamport-kinds" class="kinds"></div>
<div id="lamport"><svg id="lamport-svg" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="space-time diagram"></svg></div>
<p id="lamport-status" class="help"></p>
</section>`;
}

const STYLE = `
body { font-family: Helvetica, Arial, sans-serif; margin: 24px; color: #222; }
h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 28px; }
pre { background: #f6f6f6; padding: 10px; overflow-x: auto; font-size: 12px; }
table { border-collapse: collapse; font-size: 13px; }
th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: right; }
th:first-child, td:first-child { text-align: left; }
tr.failed td { background: #fdecea; }
table.verdicts th, table.verdicts td { text-align: left; }
.figures { display: flex; flex-wrap: wrap; gap: 16px; }
.toolbar { display: flex; gap: 6px; align-items: center; margin: 6px 0; }
.toolbar form { margin-left: 12px; }
.kinds { display: flex; flex-wrap: wrap; gap: 10px; font-size: 12px; margin: 6px 0; }
.kinds label { display: inline-flex; align-items: center; gap: 3px; }
.swatch { display: inline-block; width: 12px; height: 4px; }
#lamport { width: 100%; overflow: hidden; border: 1px solid #ddd; user-select: none; }
.help { font-size: 12px; color: #555; }
.note { color: #b03a2e; font-weight: bold; }
`;
