import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildScenarioReport } from "../../src/experiment/buildReport.js";
import { reportHtml } from "../../src/viz/reportHtml.js";
import { launchChromium, NO_CHROMIUM } from "./chromium.js";

// UPDATE_SCREENSHOT=1 writes the docs' screenshot; otherwise it goes to a temp dir.
const SCREENSHOT = process.env.UPDATE_SCREENSHOT
  ? join(import.meta.dirname, "../../docs/figures/report-raft-failover.png")
  : join(mkdtempSync(join(tmpdir(), "teamsim-shot-")), "report-raft-failover.png");

const dir = mkdtempSync(join(tmpdir(), "teamsim-report-browser-"));

interface Watched {
  page: Page;
  consoleErrors: string[];
  pageErrors: string[];
  requests: string[];
  dialogs: string[];
}

async function open(browser: Browser, file: string): Promise<Watched> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const w: Watched = { page, consoleErrors: [], pageErrors: [], requests: [], dialogs: [] };
  page.on("console", (m) => {
    if (m.type() === "error") w.consoleErrors.push(m.text());
  });
  page.on("pageerror", (e) => w.pageErrors.push(e.message));
  page.on("request", (r) => w.requests.push(r.url()));
  page.on("dialog", (d) => {
    w.dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
  return w;
}

describe.skipIf(NO_CHROMIUM)("the run report in headless Chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 30_000);
  afterAll(async () => {
    await browser?.close();
  });

  it("shows raft-failover offline: figures, the crash, the election, the commits; zooms", async () => {
    const file = join(dir, "raft.html");
    writeFileSync(
      file,
      reportHtml(buildScenarioReport("scenarios/raft-failover.yaml", { sets: ["replicates=20"] })),
    );
    const w = await open(browser, file);
    const { page } = w;
    await page.waitForSelector("#figure-0 svg .mark-line", { timeout: 20_000 });
    await page.waitForSelector("#figure-1 svg .mark-line", { timeout: 20_000 });
    const svg = page.locator("#lamport-svg");
    await expect.poll(() => svg.locator(".message").count()).toBeGreaterThan(1000);
    // agent-0, the term-1 leader, crashes at 20 s; agent-2 is elected in term 2.
    expect(await svg.locator(".mark.crash").count()).toBe(1);
    expect(await svg.locator(".mark.crash title").textContent()).toBe("agent-0 crashes at 20 s");
    const leaders = await svg.locator(".mark.leader .mark-label").allTextContents();
    expect(leaders).toEqual(["leader, term 1", "leader, term 2"]);
    expect(await svg.locator(".mark.candidate").count()).toBeGreaterThanOrEqual(2);
    expect(await svg.locator(".mark.commit").count()).toBeGreaterThan(30);
    expect(await svg.locator(".message.dropped").count()).toBeGreaterThan(0);
    expect(await svg.locator(".call").count()).toBeGreaterThan(10);
    expect(await svg.locator(".lane-label").allTextContents()).toEqual([
      "agent-0",
      "agent-1",
      "agent-2",
      "agent-3",
      "agent-4",
    ]);
    // Hovering a message tells what it is.
    expect(await svg.locator(".message title").first().textContent()).toMatch(
      /^request_vote #\d+: agent-0 → agent-\d, sent 0\.75 s, 10 tokens, delivered/,
    );

    // Zoom: a button, then the wheel, each narrows the view.
    const span = async () => {
      const [t0, t1] = await Promise.all([
        svg.getAttribute("data-t0"),
        svg.getAttribute("data-t1"),
      ]);
      return Number(t1) - Number(t0);
    };
    const before = await span();
    await page.click("#lamport-zoom-in");
    const afterButton = await span();
    expect(afterButton).toBeCloseTo(before / 2, 6);
    await svg.scrollIntoViewIfNeeded();
    const box = await svg.boundingBox();
    if (box === null) throw new Error("the diagram has no box");
    await page.mouse.move(box.x + box.width / 3, box.y + box.height / 2);
    await page.mouse.wheel(0, -200);
    await expect.poll(span).toBeLessThan(afterButton);
    // The time window: 18 s to 24 s shows the crash and the election, not the first commits.
    await page.fill("#lamport-from", "18");
    await page.fill("#lamport-to", "24");
    await page.click("#lamport-window button[type=submit]");
    expect(await svg.getAttribute("data-t0")).toBe("18");
    expect(await svg.getAttribute("data-t1")).toBe("24");
    expect(await svg.locator(".mark.crash").count()).toBe(1);
    expect(await svg.locator(".mark.leader .mark-label").allTextContents()).toEqual([
      "leader, term 2",
    ]);
    // Filtering a message kind hides its arrows.
    const appendEntries = () => svg.locator('.message[data-kind="append_entries"]').count();
    expect(await appendEntries()).toBeGreaterThan(0);
    await page.getByLabel(/^append_entries \(\d+\)$/).uncheck();
    expect(await appendEntries()).toBe(0);
    await page.getByLabel(/^append_entries \(\d+\)$/).check();
    await page.locator("#diagram").screenshot({ path: SCREENSHOT });

    expect(w.consoleErrors).toEqual([]);
    expect(w.pageErrors).toEqual([]);
    expect(w.requests).toEqual([pathToFileURL(file).href]);
    expect(w.dialogs).toEqual([]);
  }, 90_000);

  it("renders a scenario named <script>alert(1)</script> as text, and runs none of it", async () => {
    const evil = "<script>alert(1)</script>";
    const scenario = join(dir, "evil.yaml");
    writeFileSync(
      scenario,
      `name: "${evil}"\nreplicates: 2\nagents: { model: gpt-4o, count: 3 }\nteam: { protocol: independent }\ntask: { kind: questions, items: 3, difficulty: { kind: fixed, p: 0.7 } }\n# </script><script>alert(2)</script><!--\n`,
    );
    const file = join(dir, "evil.html");
    writeFileSync(file, reportHtml(buildScenarioReport(scenario)));
    const w = await open(browser, file);
    const { page } = w;
    await page.waitForSelector("#lamport-svg .message", { timeout: 20_000 });
    expect(await page.title()).toBe(`teamsim report: ${evil}`);
    expect(await page.locator("#title").textContent()).toBe(`teamsim report: ${evil}`);
    expect(await page.locator("pre.scenario").textContent()).toContain(
      "</script><script>alert(2)</script><!--",
    );
    expect(await page.locator("script").count()).toBe(
      // vega, vega-lite, vega-embed, the data, the specs, the diagram, the figures
      7,
    );
    expect(w.dialogs).toEqual([]);
    expect(w.consoleErrors).toEqual([]);
    expect(w.pageErrors).toEqual([]);
    expect(w.requests).toEqual([pathToFileURL(file).href]);
  }, 60_000);
});
