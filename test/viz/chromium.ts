import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

/** Debian's chromium, which .ci/run installs with apt-get. */
export const CHROMIUM = "/usr/bin/chromium";

/** Browser tests are skipped locally without chromium; under CI=true they run (and fail without it). */
export const NO_CHROMIUM = !existsSync(CHROMIUM) && !process.env.CI;

/**
 * Headless Debian chromium driven by playwright-core. Without the background
 * networking flags it tries to reach Google's hosts at every start, which this
 * machine's closed network refuses.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
    ],
  });
}
