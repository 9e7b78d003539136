import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { scalingSpec } from "../../src/viz/scalingSpec.js";
import { writeFigure } from "../../src/viz/writeFigure.js";
import { launchChromium, NO_CHROMIUM } from "./chromium.js";

describe("the HTML figure in headless Chromium", () => {
  it.skipIf(NO_CHROMIUM)(
    "renders offline: vega-embed draws the SVG, no console or page errors, no request but the file",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "teamsim-html-"));
      const file = join(dir, "fig.html");
      const spec = scalingSpec(
        [1, 3, 5].map((x, i) => ({
          series: "accuracy.mean",
          x,
          y: 0.6 + i / 50,
          lo: 0.55,
          hi: 0.7,
        })),
        [1, 3, 5].map((x) => ({ x, value: 0.6 + x / 100 })),
        { title: "offline figure", xTitle: "agents.count", yTitle: "accuracy.mean", band: true },
      );
      await writeFigure(spec, file);
      const url = pathToFileURL(file).href;
      const browser = await launchChromium();
      try {
        const page = await browser.newPage();
        const consoleErrors: string[] = [];
        const pageErrors: string[] = [];
        const requests: string[] = [];
        page.on("console", (m) => {
          if (m.type() === "error") consoleErrors.push(m.text());
        });
        page.on("pageerror", (e) => pageErrors.push(e.message));
        page.on("request", (r) => requests.push(r.url()));
        await page.goto(url, { waitUntil: "load" });
        await page.waitForSelector("#figure svg .mark-line, #figure canvas", { timeout: 20_000 });
        const text = await page.locator("#figure svg").textContent();
        expect(text).toContain("offline figure");
        expect(await page.locator("#figure svg .mark-line path").count()).toBe(2);
        expect(consoleErrors).toEqual([]);
        expect(pageErrors).toEqual([]);
        expect(requests).toEqual([url]);
      } finally {
        await browser.close();
      }
    },
    60_000,
  );
});
