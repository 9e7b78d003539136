#!/usr/bin/env node
// The teamsim command: runs the compiled CLI (built by `npm install` via the prepare script).
import { existsSync } from "node:fs";

const entry = new URL("../dist/src/cli/main.js", import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write(
    "teamsim: not built yet; run `npm install` (or `npm run build`) in the teamsim directory\n",
  );
  process.exit(1);
}
const args = process.argv.slice(2);
// `run --workers N` starts its worker threads first, so that they load while
// the command line does (src/cli/earlyPool.ts); they stop when it returns.
const early = await import(new URL("../dist/src/cli/earlyPool.js", import.meta.url).href);
early.startRunPool(args);
try {
  const { main } = await import(entry.href);
  process.exitCode = await main(args);
} finally {
  await early.stopRunPool();
}
