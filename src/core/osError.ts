import { InputError } from "./InputError.js";

// What the operating system's error codes mean, in the words of strerror(3), so
// a user reads "permission denied" rather than "EACCES".
const WORDS: Record<string, string> = {
  EACCES: "permission denied",
  EBADF: "bad file descriptor",
  EBUSY: "device or resource busy",
  EDQUOT: "disk quota exceeded",
  EEXIST: "file already exists",
  EFBIG: "file too large",
  EINVAL: "invalid argument",
  EIO: "input/output error",
  EISDIR: "is a directory",
  ELOOP: "too many levels of symbolic links",
  EMFILE: "too many open files",
  ENAMETOOLONG: "file name too long",
  ENFILE: "too many open files in system",
  ENODEV: "no such device",
  ENOENT: "no such file or directory",
  ENOSPC: "no space left on device",
  ENOTDIR: "not a directory",
  ENOTEMPTY: "directory not empty",
  ENXIO: "no such device or address",
  EPERM: "operation not permitted",
  EROFS: "read-only file system",
  ETXTBSY: "text file busy",
  EXDEV: "cross-device link",
};

/** Whether `e` is an operating-system error: a Node error carrying an errno code such as ENOENT. */
export function isOsError(e: unknown): e is NodeJS.ErrnoException {
  return (
    e instanceof Error &&
    typeof (e as NodeJS.ErrnoException).code === "string" &&
    /^E[A-Z0-9]+$/.test((e as NodeJS.ErrnoException).code as string) &&
    (typeof (e as NodeJS.ErrnoException).errno === "number" ||
      typeof (e as NodeJS.ErrnoException).syscall === "string")
  );
}

/** What an operating-system error means, in words ("permission denied"), without its code. */
export function osErrorWords(e: NodeJS.ErrnoException): string {
  const known = WORDS[e.code ?? ""];
  if (known !== undefined) return known;
  // Node's messages read "CODE: description, syscall 'path'": keep the description.
  const m = /^[A-Z0-9]+: ([^,]+)/.exec(e.message);
  return m ? m[1] : e.message;
}

/**
 * An operating-system error as bad input named by `label` (a flag and its value,
 * or a file): `label: expected <expected>, found <what went wrong> (<syscall> <path>)`.
 */
export function osInputError(
  label: string,
  expected: string,
  e: NodeJS.ErrnoException,
): InputError {
  const op = [e.syscall, e.path].filter((s) => s !== undefined).join(" ");
  const found = op === "" ? osErrorWords(e) : `${osErrorWords(e)} (${op})`;
  return new InputError(label, "", undefined, undefined, expected, found);
}
