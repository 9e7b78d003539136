import { isSeq, parse } from "yaml";
import { InputError } from "../core/InputError.js";
import type { SourceDocument } from "./validateYaml.js";

/**
 * Applies one `--set path=value` to a parsed scenario document: dotted path,
 * value parsed as YAML, so `task.difficulty={kind: fixed, p: 0.7}` replaces a
 * whole mapping and `agents.count=7` sets a number.
 */
export function applyOverride(src: SourceDocument, assignment: string): void {
  const eq = assignment.indexOf("=");
  if (eq <= 0) {
    throw new InputError(
      `--set ${assignment}`,
      "",
      undefined,
      undefined,
      "path=value (e.g. agents.count=7)",
      JSON.stringify(assignment),
    );
  }
  const pathText = assignment.slice(0, eq).trim();
  const valueText = assignment.slice(eq + 1);
  let value: unknown;
  try {
    // logLevel error: the yaml library's warnings would go to stderr as Node warnings.
    value = parse(valueText, { logLevel: "error" });
  } catch (e) {
    const first = (e as Error).message.split("\n")[0];
    throw new InputError(
      `--set ${assignment}`,
      pathText,
      undefined,
      undefined,
      "a YAML value",
      first,
    );
  }
  const segments = pathText.split(".");
  if (segments.some((s) => s === "")) {
    throw new InputError(
      `--set ${assignment}`,
      pathText,
      undefined,
      undefined,
      "a dotted path like task.difficulty.p",
      JSON.stringify(pathText),
    );
  }
  // Numeric segments index lists (faults.0.at_s); elsewhere they are keys.
  const keys: unknown[] = [];
  // The shallowest path this override creates: errors below it are the override's.
  let created: unknown[] | undefined;
  let node: unknown = src.doc.contents;
  for (const seg of segments) {
    const key = isSeq(node) && /^\d+$/.test(seg) ? Number(seg) : seg;
    keys.push(key);
    node =
      node && typeof node === "object" && "get" in node
        ? (node as { get(k: unknown, keep: boolean): unknown }).get(key, true)
        : undefined;
    if (node === undefined && created === undefined) created = [...keys];
  }
  try {
    src.doc.setIn(keys, src.doc.createNode(value));
  } catch (e) {
    throw new InputError(
      `--set ${assignment}`,
      pathText,
      undefined,
      undefined,
      "a path through mappings and lists",
      (e as Error).message,
    );
  }
  src.overrides.set(keys.join("."), assignment);
  if (created !== undefined) src.overrides.set(created.join("."), assignment);
}
