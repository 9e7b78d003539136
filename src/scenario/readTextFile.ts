import { readFileSync } from "node:fs";
import { InputError } from "../core/InputError.js";

/** Reads a UTF-8 file; a missing or unreadable file is an InputError naming it. */
export function readTextFile(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(
      file,
      "",
      undefined,
      undefined,
      "a readable file",
      code === "ENOENT" ? "no such file" : String(code),
    );
  }
}
