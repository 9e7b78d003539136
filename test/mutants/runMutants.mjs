#!/usr/bin/env node
// `npm run mutants`: applies each deliberate bug of test/mutants/*.json to a copy of
// the repository, rebuilds it where a check needs the build, and runs what should catch it (the listed test files,
// and `teamsim check` where an entry names one). A mutant is killed when a test fails
// or the check finds a violation; the run fails if any mutant survives, or if the
// unmutated copy does not pass the same tests (a kill would then mean nothing).
//
// Usage: npm run mutants [-- --only NAME[,NAME...]] [--json]
import { spawnSync } from "node:child_process";
import {
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const ROOT = join(import.meta.dirname, "../..");
const COPY = [
  "src",
  "test",
  "scenarios",
  "models",
  "data",
  "bin",
  "package.json",
  "tsconfig.json",
  "tsconfig.test.json",
  "vitest.config.ts",
];

/** Every mutant of test/mutants/*.json, in file then list order. */
export function loadMutants(root = ROOT) {
  const dir = join(root, "test/mutants");
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .flatMap((f) =>
      JSON.parse(readFileSync(join(dir, f), "utf8")).map((m) => ({ ...m, source: f })),
    );
}

/** The source of `file` with mutant `m` applied; throws unless its search text occurs exactly once. */
export function applyMutant(text, m) {
  const at = text.indexOf(m.search);
  if (at < 0 || text.indexOf(m.search, at + 1) >= 0) {
    throw new Error(`mutant ${m.name}: its search text must occur exactly once in ${m.file}`);
  }
  return text.slice(0, at) + m.replace + text.slice(at + m.search.length);
}

function sh(cwd, cmd, args) {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, CI: "true", NO_COLOR: "1", FORCE_COLOR: "0" },
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

// A fresh copy of the repository (node_modules linked, not copied).
function copyRepo() {
  const dir = mkdtempSync(join(tmpdir(), "teamsim-mutant-"));
  for (const p of COPY) cpSync(join(ROOT, p), join(dir, p), { recursive: true });
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  return dir;
}

// Runs the mutant's killers in `dir`: the tests, then the check; what caught it, or null.
function killers(dir, m) {
  // Tests run the TypeScript sources; only `teamsim check` needs the build.
  if (m.check) {
    const build = sh(dir, process.execPath, [
      join(ROOT, "node_modules/typescript/bin/tsc"),
      "-p",
      "tsconfig.json",
    ]);
    if (build.status !== 0) return { by: "build", detail: build.out.split("\n")[0] };
  }
  if (m.tests?.length) {
    const t = sh(dir, "npx", ["vitest", "run", ...m.tests]);
    if (t.status !== 0) {
      const plain = t.out.replace(/\x1b\[[0-9;]*m/g, ""); // ANSI colours, should a tool ignore NO_COLOR
      const failed = [...plain.matchAll(/(?:FAIL|×) (.+)/g)].map((x) => x[1].trim());
      return { by: "tests", detail: failed[0] ?? "a test failed" };
    }
  }
  if (m.check) {
    const c = sh(dir, "node", [
      "bin/teamsim.js",
      "check",
      ...m.check,
      "--quiet",
      "-o",
      join(dir, "violation.yaml"),
    ]);
    if (c.status === 1)
      return {
        by: "check",
        detail: c.out.split("\n").find((l) => /: /.test(l) && !l.startsWith("check ")) ?? "",
      };
    if (c.status !== 0) return { by: "check error", detail: c.out.trim().split("\n").pop() };
  }
  return null;
}

function main() {
  const args = process.argv.slice(2);
  const onlyAt = args.indexOf("--only");
  const only = onlyAt >= 0 ? new Set(args[onlyAt + 1].split(",")) : null;
  const json = args.includes("--json");
  const mutants = loadMutants().filter((m) => only === null || only.has(m.name));
  const log = (s) => process.stderr.write(`${s}\n`);
  // The control: the same killers on the unmutated copy must all pass.
  const control = copyRepo();
  const union = { tests: [...new Set(mutants.flatMap((m) => m.tests ?? []))] };
  log(`control: ${union.tests.length} test files on the unmutated copy`);
  const clean = killers(control, union);
  rmSync(control, { recursive: true, force: true });
  if (clean !== null) {
    log(`the unmutated copy fails (${clean.by}: ${clean.detail}): fix that first`);
    process.exit(2);
  }
  for (const m of mutants.filter((m) => m.check)) {
    const dir = copyRepo();
    const c = killers(dir, { check: m.check });
    rmSync(dir, { recursive: true, force: true });
    if (c !== null) {
      log(`the unmutated copy fails ${m.name}'s check (${c.detail}): fix that first`);
      process.exit(2);
    }
  }
  const rows = [];
  for (const m of mutants) {
    const dir = copyRepo();
    const file = join(dir, m.file);
    writeFileSync(file, applyMutant(readFileSync(file, "utf8"), m));
    const started = Date.now();
    const k = killers(dir, m);
    rmSync(dir, { recursive: true, force: true });
    const row = {
      name: m.name,
      file: m.file,
      killed: k !== null,
      by: k?.by ?? null,
      detail: k?.detail ?? null,
      seconds: Math.round((Date.now() - started) / 1000),
    };
    rows.push(row);
    log(
      `${row.killed ? "killed  " : "SURVIVED"} ${m.name} (${m.file})${k ? ` by ${k.by}: ${k.detail}` : ""}`,
    );
  }
  const killed = rows.filter((r) => r.killed).length;
  if (json)
    process.stdout.write(
      `${JSON.stringify({ mutants: rows, killed, survived: rows.length - killed }, null, 2)}\n`,
    );
  else process.stdout.write(`${killed} of ${rows.length} mutants killed\n`);
  process.exit(killed === rows.length ? 0 : 1);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
