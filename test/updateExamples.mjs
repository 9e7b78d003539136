#!/usr/bin/env node
// Rewrites the outputs of the ```console examples in README.md and docs/*.md from
// real runs, exactly as test/readme.test.ts executes them (same temporary directory
// layout, same order, `npx teamsim` meaning this checkout's bin). Run it after a
// change that alters outputs, then read the diff: it is what users will see.
//
// Usage: npm run build && node test/updateExamples.mjs [PAGE...]
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..");
const BIN = join(ROOT, "bin/teamsim.js");

const pages =
  process.argv.length > 2
    ? process.argv.slice(2)
    : [
        "README.md",
        ...readdirSync(join(ROOT, "docs"))
          .filter((f) => f.endsWith(".md"))
          .map((f) => `docs/${f}`),
      ];

for (const page of pages) {
  const text = readFileSync(join(ROOT, page), "utf8");
  if (!text.includes("```console\n")) continue;
  const dir = mkdtempSync(join(tmpdir(), "teamsim-examples-"));
  for (const d of ["scenarios", "data", "models"])
    cpSync(join(ROOT, d), join(dir, d), { recursive: true });
  let changed = 0;
  const updated = text.replace(/```console\n([\s\S]*?)```/g, (_, block) => {
    const out = [];
    let current = null;
    for (const line of block.split("\n")) {
      if (line.startsWith("$ ")) {
        current = { command: line.slice(2), expected: [] };
        out.push(current);
      } else if (current !== null) current.expected.push(line);
      else out.push({ preamble: line });
    }
    const parts = [];
    for (const ex of out) {
      if (ex.preamble !== undefined) {
        parts.push(`${ex.preamble}\n`);
        continue;
      }
      const expected = `${ex.expected.join("\n").replace(/\n+$/, "")}\n`;
      let actual = expected;
      if (!ex.command.startsWith("npm ")) {
        const cat = /^cat (\S+)$/.exec(ex.command);
        if (cat && !existsSync(join(dir, cat[1]))) writeFileSync(join(dir, cat[1]), expected);
        const shell = ex.command.replaceAll("npx teamsim", `node ${BIN}`);
        const r = spawnSync("/bin/bash", ["-c", `{ ${shell}\n} 2>&1`], {
          cwd: dir,
          encoding: "utf8",
        });
        if (r.status !== 0) process.stderr.write(`${page}: \`${ex.command}\` exited ${r.status}\n`);
        actual = r.stdout.replace(/\n+$/, "\n");
        if (actual === "\n") actual = "";
      }
      if (actual !== expected && !(actual === "" && expected === "\n")) changed++;
      // Keep the blank lines that separated this example from the next one.
      const trailing = /\n*$/.exec(ex.expected.join("\n"))[0];
      parts.push(`$ ${ex.command}\n${actual}${trailing.length > 1 ? trailing.slice(1) : ""}`);
    }
    return `\`\`\`console\n${parts.join("")}\`\`\``;
  });
  if (updated !== text) writeFileSync(join(ROOT, page), updated);
  process.stderr.write(`${page}: ${changed} outputs changed\n`);
}
