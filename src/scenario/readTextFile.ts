import { closeSync, openSync, readSync } from "node:fs";
import { InputError } from "../core/InputError.js";

/**
 * The most bytes readTextFile reads by default: a little under V8's longest
 * string (2^29 − 24 UTF-16 units), so a too-long file is an InputError naming
 * it rather than a RangeError from the decoder.
 */
export const MAX_TEXT_FILE_BYTES = 512 * 1024 * 1024 - 64;

/**
 * Reads a UTF-8 file of at most `maxBytes` bytes; a missing, unreadable or
 * longer file is an InputError naming it. Read in chunks up to the limit, so a
 * device without end (/dev/zero, a pipe that never closes its writer) costs at
 * most `maxBytes` of memory instead of all of it.
 */
export function readTextFile(
  file: string,
  maxBytes = MAX_TEXT_FILE_BYTES,
  what = "a readable file",
): string {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch (e) {
    throw unreadable(file, e);
  }
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      // One byte past the limit tells "exactly at the limit" from "longer".
      const want = Math.min(1 << 20, maxBytes + 1 - total);
      const chunk = Buffer.allocUnsafe(want);
      let n: number;
      try {
        n = readSync(fd, chunk, 0, want, null);
      } catch (e) {
        throw unreadable(file, e);
      }
      if (n === 0) break;
      chunks.push(n === want ? chunk : chunk.subarray(0, n));
      total += n;
      if (total > maxBytes) {
        throw new InputError(
          file,
          "",
          undefined,
          undefined,
          `${what} of at most ${formatBytes(maxBytes)}`,
          `more than ${formatBytes(maxBytes)}`,
        );
      }
    }
    return Buffer.concat(chunks, total).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

function unreadable(file: string, e: unknown): InputError {
  const code = (e as NodeJS.ErrnoException).code;
  const found =
    code === "ENOENT"
      ? "no such file"
      : code === "EISDIR"
        ? "a directory"
        : code === "EACCES"
          ? "a file without read permission"
          : String(code);
  return new InputError(file, "", undefined, undefined, "a readable file", found);
}

// 16777216 -> "16 MB"; the limits are whole MiB, named as people say them.
function formatBytes(n: number): string {
  const mb = n / (1024 * 1024);
  return mb >= 1 ? `${Math.round(mb)} MB` : `${n} bytes`;
}
