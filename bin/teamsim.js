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
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
