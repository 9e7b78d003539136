import { parseDocument } from "yaml";

/** JSON.parse's complaint on one line (V8 quotes the offending text, newlines and all). */
export function jsonErrorMessage(e: unknown): string {
  const one = (e as Error).message.replace(/\s+/g, " ").trim();
  return one.length > 100 ? `${one.slice(0, 97)}...` : one;
}

/**
 * Where JSON.parse stopped: its "position N" when it says so, else where the
 * yaml parser (JSON is YAML) finds the first error; undefined if neither knows.
 */
export function jsonErrorPosition(
  e: unknown,
  text: string,
): { line: number; col: number } | undefined {
  const pos = /position (\d+)/.exec((e as Error).message);
  let offset: number | undefined = pos === null ? undefined : Number(pos[1]);
  if (offset === undefined) {
    const err = parseDocument(text).errors[0];
    offset = err?.pos[0];
  }
  if (offset === undefined) return undefined;
  const before = text.slice(0, offset).split("\n");
  return { line: before.length, col: before[before.length - 1].length + 1 };
}
