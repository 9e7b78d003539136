import { Document, type Document as DocumentType, LineCounter } from "yaml";
import { InputError } from "../core/InputError.js";
import { type LoadedScenario, type LoadScenarioOptions, loadScenarioFrom } from "./loadScenario.js";
import type { SourceDocument } from "./validateYaml.js";

/** How to build a scenario from a plain object: overrides, profiles, and a name for messages. */
export interface ScenarioFromObjectOptions extends LoadScenarioOptions {
  /** What error messages call the object in place of a file name (default "scenario"). */
  source?: string;
}

/**
 * Validates a plain object (what a YAML scenario parses to) with the same
 * schema, defaults and error wording as loadScenario, without writing or
 * parsing YAML text. Errors are InputErrors named by `options.source`, with
 * the dotted path of the offending field and no line or column. The object
 * is copied first, so changing it afterwards changes nothing loaded.
 */
export function scenarioFromObject(
  value: unknown,
  options: ScenarioFromObjectOptions = {},
): LoadedScenario {
  const source = options.source ?? "scenario";
  // The file route refuses an empty or null document the same way: it would run on defaults.
  if (value === null || value === undefined) {
    const found = value === null ? "null" : "nothing";
    throw new InputError(source, "", undefined, undefined, "a scenario (a mapping)", found);
  }
  const cycle = cyclePath(value, []);
  if (cycle !== undefined) {
    throw new InputError(
      source,
      cycle,
      undefined,
      undefined,
      "a tree of plain values",
      "an object that contains itself",
    );
  }
  // A yaml Document made from the value (not from text) lets `--set`-style
  // overrides and the file route's validation apply unchanged; its nodes have
  // no source range, so errors carry no line and column.
  const doc = new Document(value, { aliasDuplicateObjects: false });
  const src: SourceDocument = {
    file: source,
    doc: doc as DocumentType.Parsed,
    lines: new LineCounter(),
    overrides: new Map(),
  };
  return loadScenarioFrom(src, options);
}

// The dotted path of an object that contains one of its ancestors, if any.
function cyclePath(value: unknown, ancestors: object[], path = ""): string | undefined {
  if (value === null || typeof value !== "object") return undefined;
  if (ancestors.includes(value)) return path;
  ancestors.push(value);
  const entries = value instanceof Map ? [...value.entries()] : Object.entries(value);
  for (const [k, v] of entries) {
    const hit = cyclePath(v, ancestors, path === "" ? String(k) : `${path}.${String(k)}`);
    if (hit !== undefined) return hit;
  }
  ancestors.pop();
  return undefined;
}
