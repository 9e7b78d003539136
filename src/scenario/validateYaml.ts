import {
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  visit,
} from "yaml";
import type { z } from "zod";
import { InputError } from "../core/InputError.js";
import { readTextFile } from "./readTextFile.js";
import { tooDeepOffset } from "./tooDeepOffset.js";

/**
 * Largest scenario (or profile) file: the yaml package parses about half a
 * megabyte a second, so 1 MiB is a few seconds; a scenario is a few kilobytes
 * (large work graphs are generated from a few numbers, not listed).
 */
export const MAX_SCENARIO_BYTES = 1024 * 1024;

/** Deepest nesting of lists and mappings in a scenario file (real ones nest fewer than ten). */
export const MAX_NESTING = 200;

/** A YAML (or JSON) document with enough bookkeeping to locate errors. */
export interface SourceDocument {
  file: string;
  doc: Document.Parsed;
  lines: LineCounter;
  /** Dotted paths replaced from the command line, with the text that set them. */
  overrides: Map<string, string>;
}

/**
 * Reads and parses `file` as YAML (JSON is accepted too); syntax errors become
 * InputErrors, and so does an empty (or comment-only) file, which is no
 * `expected` document rather than one made of defaults.
 */
export function readSourceDocument(
  file: string,
  expected = "a scenario (a mapping)",
): SourceDocument {
  const text = readTextFile(file, MAX_SCENARIO_BYTES, "a scenario file");
  const src = parseSourceText(file, text);
  const c = src.doc.contents;
  // "---" alone parses as a null scalar of zero width: nothing was written either;
  // an explicit null ("~") is no more a document (it would run on defaults).
  if (c === null || (isScalar(c) && c.value === null)) {
    const found = c === null || c.source === "" ? "an empty document" : "null";
    throw new InputError(file, "", undefined, undefined, expected, found);
  }
  return src;
}

/** Parses `text` (named `file` in messages) as YAML. */
export function parseSourceText(file: string, text: string): SourceDocument {
  const deep = tooDeepOffset(text, MAX_NESTING);
  if (deep !== undefined) {
    const before = text.slice(0, deep);
    const line = before.split("\n").length;
    const col = deep - before.lastIndexOf("\n");
    throw new InputError(
      file,
      "",
      line,
      col,
      `lists and mappings nested at most ${MAX_NESTING} deep`,
      "deeper nesting",
    );
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter: lines,
    prettyErrors: false,
    // The yaml package's own check compares every key with every other one
    // (50,000 keys took 20 s); duplicates are found below, in linear time.
    uniqueKeys: false,
    // Warnings (e.g. an unknown %directive) would reach stderr as Node warnings.
    logLevel: "error",
  });
  if (doc.errors.length > 0) {
    const err = doc.errors[0];
    const pos = lines.linePos(err.pos[0]);
    // The yaml library's messages already say what went wrong; keep its first line.
    const what = err.message.split("\n")[0];
    throw new InputError(file, "", pos.line, pos.col, "valid YAML", `${err.code}: ${what}`);
  }
  // A list or mapping used as a key (`[1, 2]: x`, `? {a: 1}`) has no field name;
  // turning it into data would only stringify it (with a warning on stderr).
  let bad: Node | undefined;
  let duplicate: Node | undefined;
  visit(doc, {
    Map(_key, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        if (seen.has(pair.key.value)) {
          duplicate = pair.key;
          return visit.BREAK;
        }
        seen.add(pair.key.value);
      }
    },
    Pair(_key, pair) {
      if (pair.key !== null && !isScalar(pair.key) && !isAlias(pair.key)) {
        bad = pair.key as Node;
        return visit.BREAK;
      }
    },
  });
  if (duplicate !== undefined) {
    const pos = duplicate.range ? lines.linePos(duplicate.range[0]) : undefined;
    // The words of the yaml package's own check, which this one replaces.
    throw new InputError(
      file,
      "",
      pos?.line,
      pos?.col,
      "valid YAML",
      "DUPLICATE_KEY: Map keys must be unique",
    );
  }
  if (bad !== undefined) {
    const pos = bad.range ? lines.linePos(bad.range[0]) : undefined;
    throw new InputError(
      file,
      "",
      pos?.line,
      pos?.col,
      "a name as a mapping key",
      isSeq(bad) ? "a list as a key" : "a mapping as a key",
    );
  }
  return { file, doc, lines, overrides: new Map() };
}

/** Validates a parsed document against `schema`; the first problem becomes a located InputError. */
export function validateDocument<S extends z.ZodType>(src: SourceDocument, schema: S): z.output<S> {
  const data = documentValue(src) ?? {};
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  throw issueToError(src, data, pickIssue(result.error.issues));
}

/** Reads, parses and validates `file` in one step (an empty file is not `expected`). */
export function loadYamlFile<S extends z.ZodType>(
  file: string,
  schema: S,
  expected = "a mapping",
): z.output<S> {
  return validateDocument(readSourceDocument(file, expected), schema);
}

// Alias uses allowed when a document is turned into data (the yaml library's own
// default): aliases of aliases expand exponentially ("billion laughs"), so a
// few lines could otherwise ask for gigabytes and minutes.
const MAX_ALIAS_COUNT = 100;

/**
 * The document as plain data; a document whose aliases expand past
 * MAX_ALIAS_COUNT is an InputError located at its first alias.
 */
export function documentValue(src: SourceDocument): unknown {
  try {
    return src.doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    if (!(e instanceof ReferenceError) || !/alias/i.test(e.message)) throw e;
    const first = firstAlias(src.doc);
    const pos = first?.node.range ? src.lines.linePos(first.node.range[0]) : undefined;
    throw new InputError(
      src.file,
      first?.path ?? "",
      pos?.line,
      pos?.col,
      `YAML aliases that expand to at most ${MAX_ALIAS_COUNT} nodes`,
      "aliases of aliases that expand exponentially (a 'billion laughs' document)",
    );
  }
}

// The first alias (*name) in document order, and its dotted path.
function firstAlias(doc: Document.Parsed): { node: Node; path: string } | undefined {
  let found: { node: Node; path: string } | undefined;
  visit(doc, {
    Alias(_key, node, path) {
      const keys: string[] = [];
      for (let i = 1; i < path.length; i++) {
        const parent = path[i - 1];
        const child = path[i];
        if (isPair(child) && isScalar(child.key)) keys.push(String(child.key.value));
        else if (isSeq(parent)) keys.push(String(parent.items.indexOf(child as never)));
      }
      if (isSeq(path[path.length - 1])) {
        keys.push(String((path[path.length - 1] as { items: unknown[] }).items.indexOf(node)));
      }
      found = { node: node as Node, path: keys.join(".") };
      return visit.BREAK;
    },
  });
  return found;
}

type Issue = z.core.$ZodIssue;

// zod's type names in the words of a YAML author.
const TYPE_WORDS: Record<string, string> = {
  int: "an integer",
  object: "a mapping",
  array: "a list",
  undefined: "nothing",
};

// A union reports one list of issues per branch; the branch whose issues reach
// deepest into the document is the one the author meant.
function pickIssue(issues: readonly Issue[]): Issue {
  const issue = issues[0];
  if (issue.code === "invalid_union" && issue.errors.length > 0) {
    let best: Issue | undefined;
    for (const branch of issue.errors) {
      if (branch.length === 0) continue;
      const candidate = pickIssue(branch);
      if (best === undefined || candidate.path.length > best.path.length) best = candidate;
    }
    if (best !== undefined) return { ...best, path: [...issue.path, ...best.path] } as Issue;
  }
  return issue;
}

function issueToError(src: SourceDocument, data: unknown, issue: Issue): InputError {
  let path = issue.path.map((p) => (typeof p === "symbol" ? String(p) : p));
  let expected: string;
  let found: string | undefined;
  switch (issue.code) {
    case "unrecognized_keys": {
      const key = issue.keys[0];
      path = [...path, key];
      expected = "a known field (see `teamsim schema`)";
      found = `unknown field ${JSON.stringify(key)}`;
      break;
    }
    case "invalid_type":
      expected = TYPE_WORDS[issue.expected] ?? `a ${issue.expected}`;
      found = describe(valueAt(data, path));
      break;
    case "too_small":
      expected = `${issue.inclusive ? ">=" : ">"} ${String(issue.minimum)}${issue.origin === "array" ? " items" : ""}`;
      found = describeSize(valueAt(data, path));
      break;
    case "too_big":
      expected = `${issue.inclusive ? "<=" : "<"} ${String(issue.maximum)}${issue.origin === "array" ? " items" : ""}`;
      found = describeSize(valueAt(data, path));
      break;
    case "invalid_value":
      expected = `one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
      found = describe(valueAt(data, path));
      break;
    case "invalid_union":
      if ("discriminator" in issue && "options" in issue) {
        const options = (issue as { options: unknown[] }).options;
        expected = `${String(issue.discriminator)} one of ${options.map((v) => JSON.stringify(v)).join(", ")}`;
      } else {
        expected = "a value of one of the accepted forms (see `teamsim schema`)";
      }
      found = describe(valueAt(data, path));
      break;
    default:
      expected = issue.message.replace(/^expected /i, "");
      found = describe(valueAt(data, path));
  }
  const docPath = path.join(".");
  const override = findOverride(src, path);
  if (override !== undefined) {
    return new InputError(`--set ${override}`, docPath, undefined, undefined, expected, found);
  }
  const pos = locate(src, path);
  return new InputError(src.file, docPath, pos?.line, pos?.col, expected, found);
}

function findOverride(src: SourceDocument, path: readonly PropertyKey[]): string | undefined {
  for (let i = path.length; i > 0; i--) {
    const hit = src.overrides.get(path.slice(0, i).join("."));
    if (hit !== undefined) return hit;
  }
  return undefined;
}

// The position of `path` in the document, or of its nearest ancestor that exists.
function locate(
  src: SourceDocument,
  path: readonly PropertyKey[],
): { line: number; col: number } | undefined {
  let node: unknown = src.doc.contents;
  let best: Node | undefined = node as Node;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(key),
      );
      if (pair === undefined) break;
      // Point at the key: that is the line where the field is written.
      best = pair.key as Node;
      node = pair.value;
    } else if (
      node &&
      typeof node === "object" &&
      "items" in node &&
      Array.isArray((node as { items: unknown[] }).items)
    ) {
      const item = (node as { items: unknown[] }).items[Number(key)];
      if (item === undefined) break;
      best = item as Node;
      node = item;
    } else {
      break;
    }
  }
  const range = best?.range;
  if (!range) return undefined;
  return src.lines.linePos(range[0]);
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = data;
  for (const key of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[key as string];
  }
  return v;
}

function describe(v: unknown): string {
  if (v === undefined) return "nothing (the field is missing)";
  if (v === null) return "null";
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (typeof v === "object") return "a mapping";
  if (typeof v === "string") return JSON.stringify(v);
  return String(v);
}

function describeSize(v: unknown): string {
  return Array.isArray(v) ? `${v.length} items` : describe(v);
}

/**
 * Validates a plain value that did not come from a file (e.g. assembled from
 * command-line flags) against `schema`; the first problem becomes an InputError
 * with the same expected/found wording, named by `label` (or by `label(path)`,
 * the dotted path of the offending field, e.g. to name the flag that set it).
 */
export function validateValue<S extends z.ZodType>(
  label: string | ((docPath: string) => string),
  value: unknown,
  schema: S,
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  // Reuse the file wording with an empty source; the location it finds is dropped.
  const e = issueToError(parseSourceText("", ""), value, pickIssue(result.error.issues));
  const name = typeof label === "string" ? label : label(e.docPath);
  throw new InputError(name, e.docPath, undefined, undefined, e.expected, e.found);
}
