import { describe, expect, it } from "vitest";
import {
  buildScenarioReport,
  type ReportData,
  WindowedTrace,
} from "../../src/experiment/buildReport.js";
import { escapeHtml, reportHtml, scriptJson } from "../../src/viz/reportHtml.js";

const EVIL = "<script>alert(1)</script>";

function evilData(): ReportData {
  return {
    name: EVIL,
    scenarioText: `name: "${EVIL}"\n# </script><!-- <script>alert(2)</script>\n`,
    traced: {
      replicate: 0,
      point: [],
      total: 3,
      cap: 100,
      verdicts: [{ check: "agreement", ok: false, detail: `item 0: <b>${EVIL}</b>` }],
      events: [
        { t: 0, type: "run_start", agents: 2 },
        { t: 1, type: "send", id: 0, from: "agent-0", to: "agent-1", kind: `</script>${EVIL}` },
        { t: 2, type: "deliver", id: 0, from: "agent-0", to: "agent-1", kind: `</script>${EVIL}` },
      ],
    },
  };
}

// Every <script> element opened is closed by its own </script>: text from the
// scenario never closes one early or opens another.
function scriptTags(html: string): { open: number; close: number } {
  return {
    open: (html.match(/<script[\s>]/gi) ?? []).length,
    close: (html.match(/<\/script/gi) ?? []).length,
  };
}

describe("reportHtml", () => {
  it("escapes the scenario's name, text, verdicts and message kinds", () => {
    const html = reportHtml(evilData());
    expect(html).not.toContain(EVIL);
    expect(html).not.toContain("alert(2)</script>");
    expect(html).toContain(`<title>teamsim report: ${escapeHtml(EVIL)}</title>`);
    expect(html).toContain(`<h1 id="title">teamsim report: ${escapeHtml(EVIL)}</h1>`);
    expect(html).toContain("&#60;/script&#62;&#60;!--");
    const tags = scriptTags(html);
    expect(tags.open).toBe(3); // the diagram's data, the figures' specs, the diagram's script
    expect(tags.close).toBe(tags.open);
    expect(html).not.toMatch(/<!--/);
  });

  it("embeds the diagram's data as JSON that reads back unchanged", () => {
    const html = reportHtml(evilData());
    const m = html.match(/<script id="lamport-data" type="application\/json">(.*?)<\/script>/s);
    expect(m).not.toBeNull();
    const data = JSON.parse(m?.[1] ?? "null");
    expect(data.lanes).toEqual(["agent-0", "agent-1"]);
    expect(data.arrows[0].kind).toBe(`</script>${EVIL}`);
  });

  it("scriptJson escapes every '<' and line separator, and parses back to the value", () => {
    const value = { a: "</script><!--", b: ["\u2028\u2029", 1.5] };
    const text = scriptJson(value);
    expect(text).not.toMatch(/[<\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(value);
  });

  it("is self-contained: vega inlined, no external script, link or style", () => {
    const data = buildScenarioReport("scenarios/raft-failover.yaml", {
      sets: ["replicates=3"],
    });
    const html = reportHtml(data, { summaryText: "summary" });
    expect(html).not.toMatch(/\s(src|href)\s*=\s*["']?\s*(https?:)?\/\//i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/@import/i);
    expect(html).toContain('id="figure-0"');
    expect(html).toContain('id="figure-1"');
    expect(html).toContain("vegaEmbed(");
    const tags = scriptTags(html);
    expect(tags.close).toBe(tags.open);
    // The diagrammed replicate's verdicts are all shown.
    for (const v of data.traced.verdicts) expect(html).toContain(`<td>${v.check}</td>`);
  });

  it("says when the trace was cut", () => {
    const data = evilData();
    data.traced = { ...data.traced, total: 500, cap: 2 };
    expect(reportHtml(data)).toContain("only the first 2 were kept");
  });
});

describe("WindowedTrace", () => {
  it("keeps run_start, earlier state events and the window's events up to the cap, counting the window's", () => {
    const t = new WindowedTrace(2, 1, 5);
    t.record({ t: 0, type: "run_start" });
    t.record({ t: 0.5, type: "partition" });
    for (let i = 0; i < 8; i++) t.record({ t: i, type: "x", i });
    expect(t.events.map((e) => e.i ?? e.type)).toEqual(["run_start", "partition", 1, 2]);
    expect(t.total).toBe(5);
  });
});
