import { execFileSync } from "node:child_process";
import { mkdtempSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/** The repository's root (teamsim's package directory). */
export const ROOT = resolve(import.meta.dirname, "..", "..");

/**
 * A new project in the temp directory that depends on teamsim by path, as a
 * user's would after `npm install <path to teamsim>`: a file: dependency
 * installs as a link to the directory, so the program imports teamsim by name
 * (package.json `exports`, the built dist/ and its .d.ts). --ignore-scripts
 * keeps npm from rebuilding teamsim (dist/ is built before the tests).
 */
export function makeUserProgram(prefix: string): string {
  // realpath: on some systems the temp directory is itself a symlink.
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({
      name: "user-program",
      private: true,
      type: "module",
      dependencies: { teamsim: `file:${ROOT}` },
    }),
  );
  execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts"], {
    cwd: dir,
    stdio: "pipe",
  });
  return dir;
}

/** Runs the repository's tsc in `dir`; returns its diagnostics ("" when it succeeds). */
export function runTsc(dir: string, args: readonly string[] = []): string {
  const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
  try {
    execFileSync(process.execPath, [tsc, ...args], { cwd: dir, stdio: "pipe" });
    return "";
  } catch (e) {
    const err = e as { stdout?: Buffer; stderr?: Buffer };
    return `${String(err.stdout ?? "")}${String(err.stderr ?? "")}` || String(e);
  }
}
