import { mkdirSync, type Stats, statSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { InputError } from "../core/InputError.js";
import { isOsError, osInputError } from "../core/osError.js";

/** What kind of thing a path is, in words ("a file", "a directory", "a character device"). */
export function kindOf(st: Stats): string {
  if (st.isFile()) return "a file";
  if (st.isDirectory()) return "a directory";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  if (st.isFIFO()) return "a named pipe";
  if (st.isSocket()) return "a socket";
  return "a special file";
}

// The path's status, or undefined if it does not exist (a missing directory on
// the way, or a file where a directory should be, also means it does not exist).
function statOrUndefined(path: string, label: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (e) {
    if (isOsError(e) && (e.code === "ENOENT" || e.code === "ENOTDIR")) return undefined;
    if (isOsError(e)) throw osInputError(label, "a path that can be read", e);
    throw e;
  }
}

/**
 * Checks that `path` can be replaced by a file written beside it and renamed
 * into place: its directory exists, and it is absent or a regular file (a
 * rename over a directory fails late, and over a device such as /dev/null it
 * would replace the device). `label` names it in errors (e.g. `--trace t.jsonl`).
 */
export function checkOutputFile(path: string, label: string): void {
  const st = statOrUndefined(path, label);
  if (st !== undefined && !st.isFile()) {
    throw new InputError(label, "", undefined, undefined, "a file to write", kindOf(st));
  }
  const dir = dirname(path);
  const parent = statOrUndefined(dir, label);
  if (parent === undefined) {
    throw new InputError(
      label,
      "",
      undefined,
      undefined,
      "a file in an existing directory",
      `no such directory ${JSON.stringify(dir)}`,
    );
  }
  if (!parent.isDirectory()) {
    throw new InputError(
      label,
      "",
      undefined,
      undefined,
      "a file in an existing directory",
      `${JSON.stringify(dir)}, ${kindOf(parent)}, not a directory`,
    );
  }
}

/**
 * Creates directory `dir` (and its missing parents) and checks that a file can
 * be written in it; every failure is an InputError named by `label` (e.g.
 * `--out runs/x`). Unlike mkdirSync's recursive mode, which loops forever where
 * a parent exists but refuses new entries with ENOENT (/proc), each level is
 * created once and its error reported.
 */
export function makeOutputDir(dir: string, label: string): void {
  const missing: string[] = [];
  // Walk up the path as written, so messages name what the user typed.
  let p = dir;
  for (;;) {
    const st = statOrUndefined(p, label);
    if (st !== undefined) {
      if (!st.isDirectory()) {
        const found =
          missing.length === 0
            ? kindOf(st)
            : `${JSON.stringify(p)}, ${kindOf(st)}, not a directory`;
        throw new InputError(label, "", undefined, undefined, "a directory", found);
      }
      break;
    }
    missing.push(p);
    const up = dirname(p);
    if (up === p || up === ".") break;
    p = up;
  }
  for (const m of missing.reverse()) {
    try {
      mkdirSync(m);
    } catch (e) {
      if (isOsError(e) && e.code === "EEXIST" && statSync(m).isDirectory()) continue;
      if (isOsError(e)) throw osInputError(label, "a directory teamsim can create", e);
      throw e;
    }
  }
  // access(2) says yes to root on /proc and /sys, where writes still fail: write a probe.
  const probe = resolve(dir, `.teamsim-probe-${process.pid}`);
  try {
    writeFileSync(probe, "");
    unlinkSync(probe);
  } catch (e) {
    if (isOsError(e)) throw osInputError(label, "a directory teamsim can write in", e);
    throw e;
  }
}
