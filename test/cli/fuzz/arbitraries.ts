import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { parse, stringify } from "yaml";
import type { SchemaLeaf } from "./schemaLeaves.js";

/** A JSON-like value as the generators build documents from. */
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

/** A generated command line: what to run, on which file, with which flags after it. */
export interface FuzzCase {
  family: string;
  command: "validate" | "run";
  /**
   * The scenario file: its text or raw bytes (written to `name` in the case's
   * directory), or a path ($TMP: the case's directory; $FILE: a valid scenario file).
   */
  file: { text: string } | { bytes: number[] } | { path: string };
  name: string;
  args: string[];
  /** What a huge case changes (e.g. "replicates=1000000000 by --set"), for reports and KNOWN. */
  what?: string;
}

const ROOT = join(import.meta.dirname, "../../..");

/** The shipped scenarios (scenarios/*.yaml), as plain values. */
export const SHIPPED: readonly { file: string; doc: Obj }[] = readdirSync(join(ROOT, "scenarios"))
  .filter((f) => f.endsWith(".yaml"))
  .sort()
  .map((f) => ({ file: f, doc: parse(readFileSync(join(ROOT, "scenarios", f), "utf8")) as Obj }));

// Pieces that break naive printing, quoting or parsing: terminal escapes,
// markup, YAML indicators and look-alike scalars, odd Unicode.
const HOSTILE_PIECES = [
  "<script>alert(1)</script>",
  "\u001b[31m",
  "\u001b[0m",
  "\u001b]0;pwned\u0007",
  "\u001b[2J\u001b[H",
  "\u001b[?25l",
  "\r",
  "\n",
  "\r\n",
  "\t",
  "\u0000",
  "\u0007",
  "\b",
  "\u007f",
  "\u0085",
  "\u2028",
  "\u202e",
  "\u200b",
  "\ufeff",
  "\ufffd",
  "\ud800",
  "😀",
  "e\u0301",
  "日本語",
  "עברית",
  "%s%n",
  "${HOME}",
  "$(id)",
  "'",
  '"',
  "\\",
  "null",
  "~",
  "yes",
  "NaN",
  ".nan",
  ".inf",
  "-.inf",
  "0x1F",
  "1e3",
  "-0",
  "2001-01-01",
  "-",
  "---",
  "...",
  "*a",
  "&a",
  "!!binary",
  "!tag",
  "|",
  ">",
  "#",
  ": ",
  "- ",
  "? ",
  "[",
  "]",
  "{",
  "}",
  ",",
  "@",
  "%",
  "<<",
  " ",
];

/** Strings meant to hurt: random Unicode, lone surrogates, escapes, YAML syntax. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: "binary", maxLength: 12 }),
  fc
    .array(fc.constantFrom(...HOSTILE_PIECES), { minLength: 1, maxLength: 5 })
    .map((a) => a.join("")),
  fc
    .tuple(fc.string({ maxLength: 6 }), fc.constantFrom(...HOSTILE_PIECES))
    .map(([s, p]) => `${s}${p}${s}`),
);

/** A long run of one character (10,000 to 100,000 of them). */
export const longString: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom("a", "\u001b", "é", "😀", "\n", " ", "'"),
    fc.integer({ min: 10_000, max: 100_000 }),
  )
  .map(([c, n]) => c.repeat(n));

const REAL_KEYS = [
  "name",
  "seed",
  "replicates",
  "horizon_s",
  "max_events",
  "agents",
  "model",
  "count",
  "role",
  "team",
  "protocol",
  "task",
  "kind",
  "items",
  "difficulty",
  "network",
  "latency",
  "faults",
  "at_s",
  "sweep",
];

/** Keys: real ones, near misses, prototype names, and hostile strings. */
export const hostileKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...REAL_KEYS),
  fc.constantFrom(
    "__proto__",
    "constructor",
    "prototype",
    "toString",
    "hasOwnProperty",
    "",
    "name ",
    "Name",
    "replicates\u200b",
    "agents.count",
    "0",
    "-1",
    "$schema",
    "<<",
  ),
  fc.constantFrom(...REAL_KEYS).map((k) => `${k}s`),
  hostileString,
);

// Numbers of every awkward kind, none of them large enough to make a big run.
const awkwardNumber: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }),
  fc.double({ min: -1000, max: 1000 }),
  fc.constantFrom(0, -0, 1, -1, 0.5, 1.5, 1e-300, 5e-324, Number.NaN, Infinity, -Infinity),
);

const scalar: fc.Arbitrary<Json> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  awkwardNumber,
  hostileString,
);

/** Any small value: scalars, lists and mappings (with hostile keys), a few levels deep. */
export const anyValue: fc.Arbitrary<Json> = fc.letrec<{ value: Json }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalar,
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(hostileKey, tie("value"), { maxKeys: 4 }) as fc.Arbitrary<Obj>,
  ),
})).value;

/** The knobs that make a shipped scenario small enough to run in a few milliseconds. */
interface Shrink {
  replicates: number;
  size: number;
  maxEvents: number;
  horizon: number | null;
  keepSweep: boolean;
}

// The shipped scenario `doc`, made small: few replicates, a tiny task, an event budget.
function shrinkScenario(doc: Obj, s: Shrink): Obj {
  const d = structuredClone(doc);
  d.replicates = s.replicates;
  d.max_events = s.maxEvents;
  if (s.horizon !== null) d.horizon_s = s.horizon;
  if (!s.keepSweep) delete d.sweep;
  const task = { ...((d.task as Obj | undefined) ?? {}) };
  switch (task.kind ?? "questions") {
    case "questions":
      task.items = s.size;
      break;
    case "workgraph":
    case "chain":
      if (task.graph === undefined) task.subtasks = s.size;
      break;
    case "fork-join":
      task.width = Math.min(s.size, 3);
      task.stages = 1;
      break;
    case "layered":
      task.layers = Math.min(s.size, 3);
      task.width = 2;
      break;
  }
  d.task = task;
  return d;
}

const prob = fc.double({ min: 0, max: 1, noNaN: true });

/**
 * Valid documents: a shipped scenario made small (1-3 replicates, 1-6 items,
 * an event budget), with a random seed, name and description (hostile text is
 * valid there) and network settings.
 */
export const smallValidDoc: fc.Arbitrary<Obj> = fc
  .record({
    base: fc.constantFrom(...SHIPPED),
    shrink: fc.record({
      replicates: fc.integer({ min: 1, max: 3 }),
      size: fc.integer({ min: 1, max: 6 }),
      maxEvents: fc.integer({ min: 1, max: 20_000 }),
      horizon: fc.option(fc.double({ min: 0.001, max: 3600, noNaN: true })),
      keepSweep: fc.boolean(),
    }),
    seed: fc.option(
      fc.oneof(
        fc.integer(),
        hostileString.filter((s) => s.length > 0),
      ),
    ),
    name: fc.option(hostileString.filter((s) => s.length > 0)),
    description: fc.option(hostileString),
    network: fc.record(
      {
        loss: prob,
        duplicate: prob,
        fifo: fc.boolean(),
        partition_mode: fc.constantFrom("drop", "hold"),
      },
      { requiredKeys: [] },
    ),
  })
  .map(({ base, shrink, seed, name, description, network }) => {
    const d = shrinkScenario(base.doc, shrink);
    if (seed !== null) d.seed = seed;
    if (name !== null) d.name = name;
    if (description !== null) d.description = description;
    d.network = { ...((d.network as Obj | undefined) ?? {}), ...network };
    return d;
  });

/** How a document is written: block YAML, flow YAML or JSON. */
export type Format = "yaml" | "flow" | "json";

/** `doc` as the text of a scenario file. */
export function serialize(doc: Json, format: Format): string {
  if (format === "json") return JSON.stringify(doc, null, 2);
  return stringify(doc, format === "flow" ? { collectionStyle: "flow" } : {});
}

type Path = (string | number)[];

// Every path into `doc` (containers and scalars), in a stable order.
function pathsOf(doc: Json, at: Path = [], out: Path[] = []): Path[] {
  out.push(at);
  if (Array.isArray(doc)) doc.forEach((v, i) => pathsOf(v, [...at, i], out));
  else if (doc !== null && typeof doc === "object")
    for (const k of Object.keys(doc)) pathsOf(doc[k], [...at, k], out);
  return out;
}

function getAt(doc: Json, path: Path): Json {
  let v: Json = doc;
  for (const k of path) v = (v as Obj)[k as string];
  return v;
}

// Sets (or deletes, for `undefined`) the value at a non-empty path, as an own
// property even for keys like __proto__.
function setAt(doc: Json, path: Path, value: Json | undefined): void {
  const parent = getAt(doc, path.slice(0, -1)) as Obj | Json[];
  const key = path[path.length - 1];
  if (value === undefined) {
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete parent[key as string];
  } else if (Array.isArray(parent)) parent[Number(key)] = value;
  else
    Object.defineProperty(parent, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
}

/** One structural change to a document; `at` picks the place among its paths. */
export interface DocOp {
  op: "delete" | "replace" | "add" | "wrap" | "nest" | "rename";
  at: number;
  key: string;
  value: Json;
  depth: number;
}

export const docOp: fc.Arbitrary<DocOp> = fc.record({
  op: fc.constantFrom("delete", "replace", "replace", "replace", "add", "wrap", "nest", "rename"),
  at: fc.nat(),
  key: hostileKey,
  value: fc.oneof({ weight: 6, arbitrary: anyValue }, { weight: 1, arbitrary: longString }),
  depth: fc.integer({ min: 1, max: 60 }),
});

/** Applies `ops` to a copy of `doc` (each op picks its place among the copy's current paths). */
export function applyDocOps(doc: Obj, ops: readonly DocOp[]): Json {
  let d: Json = structuredClone(doc);
  for (const o of ops) {
    const paths = pathsOf(d);
    const path = paths[o.at % paths.length];
    const old = getAt(d, path);
    const put = (v: Json | undefined) => {
      if (path.length === 0) d = v === undefined ? null : v;
      else setAt(d, path, v);
    };
    switch (o.op) {
      case "delete":
        put(undefined);
        break;
      case "replace":
        put(o.value);
        break;
      case "add":
        if (old !== null && typeof old === "object" && !Array.isArray(old)) {
          Object.defineProperty(old, o.key, {
            value: o.value,
            enumerable: true,
            writable: true,
            configurable: true,
          });
        } else if (Array.isArray(old)) old.push(o.value);
        else put(o.value);
        break;
      case "wrap":
        put(o.depth % 2 === 0 ? [old] : { [o.key]: old });
        break;
      case "nest": {
        let v: Json = old;
        for (let i = 0; i < o.depth; i++) v = i % 2 === 0 ? [v] : { a: v };
        put(v);
        break;
      }
      case "rename": {
        if (path.length === 0 || typeof path[path.length - 1] !== "string") break;
        const parent = getAt(d, path.slice(0, -1)) as Obj;
        delete parent[path[path.length - 1] as string];
        const renamed = o.key === "" ? `${String(path[path.length - 1])}_` : o.key;
        Object.defineProperty(parent, renamed, {
          value: old,
          enumerable: true,
          writable: true,
          configurable: true,
        });
        break;
      }
    }
  }
  return d;
}

// Raw text to splice into a serialized document: YAML features (anchors,
// aliases, merge keys, tags, directives, document markers), tabs, control
// characters, a byte-order mark.
const TEXT_PIECES = [
  ...HOSTILE_PIECES,
  "&a ",
  "*a",
  "*nowhere",
  "<<: *a\n",
  "!!binary ",
  "!!set ",
  "!!omap ",
  "!!timestamp ",
  "!!float ",
  "!!int ",
  "!!str ",
  "!!map ",
  "!js/function ",
  "%YAML 1.1\n",
  "---\n",
  "\n...\n",
  "\t",
  "\t\t",
  "\ufeff",
  "|\n",
  ">-\n",
  "\n  ",
  "\n    x: 1",
  "\nx: &a [1, 2]\ny: *a\n",
];

/** One change to a document's text: insert a piece, delete, duplicate a line (a duplicate key), indent with a tab, cut. */
export interface TextOp {
  op: "insert" | "delete" | "dupline" | "tab" | "truncate";
  at: number;
  piece: string;
  len: number;
}

export const textOp: fc.Arbitrary<TextOp> = fc.record({
  op: fc.constantFrom("insert", "insert", "delete", "dupline", "tab", "truncate"),
  at: fc.nat(),
  piece: fc.oneof(fc.constantFrom(...TEXT_PIECES), hostileString),
  len: fc.integer({ min: 1, max: 20 }),
});

/** Applies text changes in order. */
export function applyTextOps(text: string, ops: readonly TextOp[]): string {
  let t = text;
  for (const o of ops) {
    const at = t.length === 0 ? 0 : o.at % (t.length + 1);
    const lines = t.split("\n");
    const line = o.at % lines.length;
    switch (o.op) {
      case "insert":
        t = t.slice(0, at) + o.piece + t.slice(at);
        break;
      case "delete":
        t = t.slice(0, at) + t.slice(at + o.len);
        break;
      case "dupline":
        lines.splice(line, 0, lines[line]);
        t = lines.join("\n");
        break;
      case "tab":
        lines[line] = `\t${lines[line].replace(/^ +/, "")}`;
        t = lines.join("\n");
        break;
      case "truncate":
        t = t.slice(0, at);
        break;
    }
  }
  return t;
}

/** Inserts raw bytes (most not valid UTF-8) into `text`'s UTF-8 encoding. */
export function withBytes(
  text: string,
  inserts: readonly { at: number; bytes: number[] }[],
): number[] {
  const b = [...Buffer.from(text, "utf8")];
  for (const { at, bytes } of inserts)
    b.splice(b.length === 0 ? 0 : at % (b.length + 1), 0, ...bytes);
  return b;
}

export const byteInsert = fc.record({
  at: fc.nat(),
  bytes: fc.array(
    fc.oneof(fc.integer({ min: 0x80, max: 0xff }), fc.integer({ min: 0, max: 0xff })),
    {
      minLength: 1,
      maxLength: 4,
    },
  ),
});

/** Text that nests `depth` levels: flow lists, flow maps, block maps or block lists. */
export function nested(
  kind: "flow-seq" | "flow-map" | "block-map" | "block-seq",
  depth: number,
): string {
  switch (kind) {
    case "flow-seq":
      return `name: x\ntask: ${"[".repeat(depth)}${"]".repeat(depth)}\n`;
    case "flow-map":
      return `name: x\ntask: ${"{a: ".repeat(depth)}1${"}".repeat(depth)}\n`;
    case "block-map":
      return Array.from({ length: depth }, (_, i) => `${" ".repeat(i)}a:`).join("\n") + " 1\n";
    case "block-seq":
      return `task:\n${Array.from({ length: depth }, (_, i) => `${" ".repeat(2 + i * 2)}-`).join("\n")} 1\n`;
  }
}

/** The billion laughs: `levels` anchors, each a list of `fanout` aliases of the one before. */
export function laughs(levels: number, fanout: number): string {
  const lines = ["a0: &a0 lol"];
  for (let i = 1; i <= levels; i++)
    lines.push(`a${i}: &a${i} [${Array.from({ length: fanout }, () => `*a${i - 1}`).join(", ")}]`);
  lines.push(`name: *a${levels}`);
  return `${lines.join("\n")}\n`;
}

// Whole files that are not scenarios, or barely: empty, comments, other
// document kinds, several documents, directives, look-alike scalars.
const RAW_TEXTS = [
  "",
  " ",
  "\n\n",
  "# only a comment\n",
  "# a\n# b\n",
  "---",
  "---\n---\n",
  "...",
  "~",
  "null",
  "[]",
  "{}",
  "42",
  "-1e999",
  '"a string"',
  "- a\n- b\n",
  "\ufeff",
  "\ufeffname: bom\n",
  "name: one\n---\nname: two\n",
  "%YAML 1.2\n---\n{}\n",
  "%YAML 1.1\n---\nname: x\n",
  "%YAML 9.9\n---\nname: x\n",
  "%TAG ! tag:example.com,2000:\n---\n!a b\n",
  "!!binary aGVsbG8=\n",
  "!!set {a, b}\n",
  "name: !!binary aGVsbG8=\n",
  "name: !custom x\n",
  "replicates: !!str 3\n",
  "replicates: !!float 3\n",
  "__proto__: {replicates: 2}\nname: x\n",
  '{"__proto__": {"name": "polluted"}, "replicates": 1}',
  '{"name": "a", "name": "b"}',
  "name: a\nname: b\n",
  "? [a, b]\n: c\n",
  "? {a: 1}\n: c\n",
  "[1, 2]: x\n",
  "<<: {replicates: 2}\nname: x\n",
  "base: &b {replicates: 2}\n<<: *b\n",
  "name: *undefined\n",
  "name: &x\n",
  "name:\tx\n",
  "\tname: x\n",
  "name: 'unterminated\n",
  'name: "\\uD800"\n',
  'name: "\\x00"\n',
  "name: |\n  a\n b\n",
  "replicates: 0x10\n",
  "replicates: 1_0\n",
  "replicates: 0o7\n",
  "replicates: .inf\n",
  "replicates: -.inf\n",
  "replicates: .nan\n",
  "horizon_s: .inf\n",
  "seed: 9007199254740993\n",
  "seed: 1e400\n",
  "seed: ''\n",
  "agents: []\n",
  "agents: [{}]\n",
  "faults: {}\n",
  "task: []\n",
  "task: {kind: nope}\n",
  "team: {protocol: __proto__}\n",
  "team: {protocol: constructor}\n",
  "agents: {model: __proto__}\n",
  "agents: {model: toString}\n",
];

/** Whole files: fixed oddities, random text and bytes, deep nesting, expanding aliases, long lines. */
export const rawFile: fc.Arbitrary<FuzzCase["file"]> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...RAW_TEXTS).map((text) => ({ text })) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 300 }).map((text) => ({ text })) },
  {
    weight: 2,
    arbitrary: fc
      .array(fc.constantFrom(...TEXT_PIECES, "name", "replicates", "agents", "1", "x"), {
        maxLength: 30,
      })
      .map((a) => ({ text: a.join("") })),
  },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 400 }).map((b) => ({ bytes: [...b] })) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.constantFrom("flow-seq", "flow-map", "block-map", "block-seq") as fc.Arbitrary<
          Parameters<typeof nested>[0]
        >,
        fc.oneof(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 200, max: 1000 })),
      )
      .map(([kind, depth]) => ({ text: nested(kind, depth) })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 10 }))
      .map(([levels, fanout]) => ({ text: laughs(levels, fanout) })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom("name: ", "description: ", "", "# ", "seed: "), longString)
      .map(([prefix, s]) => ({ text: `${prefix}${s}\n` })),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 100, max: 2000 })
      .map((n) => ({ text: Array.from({ length: n }, (_, i) => `k${i}: ${i}`).join("\n") })),
  },
);

// A value as text on the command line: JSON (a YAML flow value), YAML, or bare.
function valueText(v: Json, style: "json" | "yaml" | "raw"): string {
  if (style === "raw" && typeof v === "string") return v;
  if (style === "json" && !(typeof v === "number" && !Number.isFinite(v))) return JSON.stringify(v);
  return stringify(v).replace(/\n$/, "");
}

// A value of the leaf's own type (small), or anything.
function valueFor(leaf: SchemaLeaf): fc.Arbitrary<Json> {
  const lo = leaf.min ?? -3;
  const hi = Math.min(leaf.max ?? Number.POSITIVE_INFINITY, lo + 10);
  let typed: fc.Arbitrary<Json>;
  if (leaf.enum !== undefined) typed = fc.constantFrom(...(leaf.enum as Json[]));
  else if (leaf.type === "integer") typed = fc.integer({ min: Math.ceil(lo), max: Math.floor(hi) });
  else if (leaf.type === "number")
    typed = fc.oneof(
      fc.double({ min: lo, max: hi, noNaN: true }),
      fc.constantFrom(0, 0.5, 1, 1e-9),
    );
  else if (leaf.type === "boolean") typed = fc.boolean();
  else if (leaf.type === "null") typed = fc.constant(null);
  else typed = hostileString;
  return fc.oneof({ weight: 3, arbitrary: typed }, { weight: 2, arbitrary: anyValue });
}

/** One `--set path=value`: a schema path with a typed or wrong value, a made-up path, or malformed. */
export function setAssignment(leaves: readonly SchemaLeaf[]): fc.Arbitrary<string> {
  const style = fc.constantFrom("json", "yaml", "raw") as fc.Arbitrary<"json" | "yaml" | "raw">;
  const fromSchema = fc
    .tuple(fc.constantFrom(...leaves), fc.nat(2))
    .chain(([leaf, index]) =>
      fc.tuple(
        fc.constant(leaf.path.map((p) => (p === "0" ? String(index) : p)).join(".")),
        valueFor(leaf),
        style,
      ),
    )
    .map(([path, v, s]) => `${path}=${valueText(v, s)}`);
  const madeUp = fc
    .tuple(
      fc.array(fc.oneof(hostileKey, fc.nat(5).map(String)), { minLength: 1, maxLength: 5 }),
      anyValue,
      style,
    )
    .map(([segs, v, s]) => `${segs.join(".")}=${valueText(v, s)}`);
  const malformed = fc.oneof(
    fc.constantFrom(
      "=1",
      "==",
      "=",
      " = ",
      "a==1",
      ".a=1",
      "a.=1",
      "a..b=1",
      "agents.count",
      "agents.count=",
      "agents. count=3",
      " agents.count =3",
      "agents.count=[1,",
      "agents.count={",
      "agents.count=*a",
      "agents.count=&a",
      "agents.count=!!binary x",
      "agents.count=a: b: c",
      "agents.count='x",
      "name=- a\n- b",
      "task.items.deeper=1",
      "replicates.0=1",
      "faults.99.at_s=1",
      "faults.-1.at_s=1",
      "agents.0.count=2",
      "__proto__.replicates=2",
      "constructor.prototype=1",
    ),
    hostileString,
    longString.map((s) => `name=${s}`),
  );
  return fc.oneof(
    { weight: 6, arbitrary: fromSchema },
    { weight: 2, arbitrary: madeUp },
    { weight: 2, arbitrary: malformed },
  );
}

/** Flags `validate` and `run` know, with odd values, and some they do not. */
export const flags: fc.Arbitrary<string[]> = fc
  .oneof(
    fc.constant(["--json"]),
    fc.constant(["--yes"]),
    fc.constant(["-q"]),
    fc.constant(["--quiet"]),
    fc.tuple(fc.constant("--seed"), fc.oneof(fc.integer().map(String), hostileString)),
    fc.constant(["--seed"]),
    fc.tuple(
      fc.constant("--replicate"),
      fc.oneof(
        fc.nat(5).map(String),
        fc.constantFrom("-1", "1.5", "x", "", "1e3", "0x2", " 1", "999"),
      ),
    ),
    fc.constant(["--replicate"]),
    fc.constant(["--set"]),
    fc.tuple(
      fc.constant("--trace"),
      fc.constantFrom(
        "$TMP/trace.jsonl",
        "$TMP",
        "$TMP/",
        "$TMP/no/such/dir/t.jsonl",
        "$FILE/t.jsonl",
        "",
        "$TMP/\u001b[31m.jsonl",
      ),
    ),
    fc.constantFrom(
      ["--bogus"],
      ["-x"],
      ["--"],
      ["--help"],
      ["-h"],
      ["--seed=5"],
      ["--json=1"],
      ["-qq"],
    ),
    hostileString.map((s) => [s]),
  )
  .map((a) => [...a]);

const HUGE_NUMBERS = [100_000, 100_001, 1e6, 1e7, 1e9, 2 ** 31, 2 ** 53 - 1, 1e12, 1e308];

// A shipped scenario with its replicates and task cut down but no event budget:
// what a huge field does is then the field's doing alone.
function hugeBase(file: string): Obj {
  const base = SHIPPED.find((s) => s.file === file);
  if (base === undefined) throw new Error(`no scenario ${file}`);
  const d = shrinkScenario(base.doc, {
    replicates: 2,
    size: 5,
    maxEvents: 0,
    horizon: null,
    keepSweep: false,
  });
  delete d.max_events;
  return d;
}

/** One huge change: a dotted path and its value, or a whole file. */
export type HugeChange = { path: string; value: Json } | { file: FuzzCase["file"] };

const n = fc.constantFrom(...HUGE_NUMBERS);
// Long lists: the cost of reading them is linear (some 50 µs an entry), so these stay within the bound.
const many = fc.constantFrom(10_000, 50_000);

/** Huge changes: counts, sizes, budgets, long lists and strings, deep or expanding files, endless devices. */
export const hugeChange: fc.Arbitrary<{ base: string; change: HugeChange }> = fc.oneof(
  fc.record({
    base: fc.constantFrom(
      "quickstart.yaml",
      "debate.yaml",
      "raft-failover.yaml",
      "pbft-byzantine.yaml",
    ),
    change: fc.record({
      path: fc.constantFrom(
        "replicates",
        "agents.count",
        "task.items",
        "task.choices",
        "max_events",
        "horizon_s",
      ),
      value: n as fc.Arbitrary<Json>,
    }),
  }),
  fc.record({
    base: fc.constant("leader-worker.yaml"),
    change: fc.oneof(
      fc.record({ path: fc.constant("task.subtasks"), value: n as fc.Arbitrary<Json> }),
      n.map((v) => ({ path: "task", value: { kind: "chain", subtasks: v } })),
      n.map((v) => ({ path: "task", value: { kind: "fork-join", width: v, stages: 2 } })),
      n.map((v) => ({ path: "task", value: { kind: "layered", layers: v, width: v } })),
    ),
  }),
  fc.record({
    base: fc.constant("debate.yaml"),
    change: n.map((v) => ({ path: "team.rounds", value: v })),
  }),
  fc.record({
    base: fc.constant("gossip.yaml"),
    change: n.map((v) => ({
      path: "team",
      value: { protocol: "gossip", until: "rounds", rounds: v },
    })),
  }),
  fc.record({
    base: fc.constant("hierarchical-vs-p2p.yaml"),
    change: n.map((v) => ({ path: "team", value: { protocol: "tree", branching: v, depth: 3 } })),
  }),
  fc.record({
    base: fc.constant("quickstart.yaml"),
    change: fc.oneof(
      many.map((k) => ({
        path: "agents",
        value: Array.from({ length: k }, () => ({ model: "gpt-4o", count: 1 })),
      })),
      many.map((k) => ({
        path: "faults",
        value: Array.from({ length: k }, (_, i) => ({ at_s: i, crash: ["agent-1"] })),
      })),
      many.map((k) => ({
        path: "network.links",
        value: Array.from({ length: k }, () => ({ between: ["agent-0", "agent-1"], loss: 0.1 })),
      })),
      fc.constantFrom(1e6, 1e7).map((k) => ({ path: "name", value: "x".repeat(k) })),
      fc.constantFrom(1e6, 1e7).map((k) => ({ path: `a${"b".repeat(k)}`, value: 1 })),
    ),
  }),
  fc.record({
    base: fc.constant("quickstart.yaml"),
    change: fc.oneof(
      fc.constantFrom("/dev/zero", "/dev/urandom").map((path) => ({ file: { path } })),
      fc.constantFrom(12, 20, 30).map((levels) => ({ file: { text: laughs(levels, 10) } })),
      fc
        .constantFrom(10_000, 100_000, 1_000_000)
        .map((d) => ({ file: { text: nested("flow-seq", d) } })),
      fc.constantFrom(10_000, 100_000).map((d) => ({ file: { text: nested("flow-map", d) } })),
      fc.constantFrom(2_000, 5_000).map((d) => ({ file: { text: nested("block-seq", d) } })),
      many.map((k) => ({
        file: { text: Array.from({ length: k }, (_, i) => `k${i}: ${i}`).join("\n") },
      })),
    ),
  }),
);

/** A huge case: the change written into the file or given with --set, under validate or run. */
export const hugeCase: fc.Arbitrary<FuzzCase> = fc
  .record({
    huge: hugeChange,
    via: fc.constantFrom("file", "set"),
    command: fc.constantFrom("validate", "run") as fc.Arbitrary<"validate" | "run">,
  })
  .map(({ huge: { base, change }, via, command }): FuzzCase => {
    const doc = hugeBase(base);
    const common = { family: "huge", command, name: "huge.json" };
    if ("file" in change) {
      const what = "path" in change.file ? change.file.path : describeText(change.file);
      return { ...common, file: change.file, args: [], what: `${command} file ${what}` };
    }
    const what = `${command} ${base} ${change.path}=${describeValue(change.value)} in the ${via}`;
    // JSON (a YAML flow document) because the yaml package writes big lists slowly.
    if (via === "set")
      return {
        ...common,
        file: { text: JSON.stringify(doc) },
        args: ["--set", `${change.path}=${JSON.stringify(change.value)}`],
        what,
      };
    const keys = change.path.split(".");
    let node = doc as Obj;
    for (const k of keys.slice(0, -1)) node = (node[k] ??= {}) as Obj;
    node[keys[keys.length - 1]] = change.value;
    return { ...common, file: { text: JSON.stringify(doc) }, args: [], what };
  });

// Short names for huge values in reports: "a list of 100000", "a string of 50000000".
function describeValue(v: Json): string {
  if (Array.isArray(v)) return `[a list of ${v.length}]`;
  if (typeof v === "string") return `<a string of ${v.length}>`;
  return JSON.stringify(v, (_, x) =>
    Array.isArray(x) && x.length > 3 ? `[${x.length} items]` : x,
  );
}

function describeText(f: FuzzCase["file"]): string {
  if (!("text" in f)) return "(bytes)";
  const t = f.text;
  if (t.startsWith("a0: &a0")) return `billion laughs, ${t.split("\n").length - 2} levels`;
  if (t.startsWith("name: x\ntask: [")) return `[ nested ${(t.match(/\[/g) ?? []).length} deep`;
  if (t.startsWith("name: x\ntask: {")) return `{ nested ${(t.match(/\{/g) ?? []).length} deep`;
  if (t.startsWith("task:\n")) return `block list nested ${t.split("\n").length - 2} deep`;
  return `${t.split("\n").length} lines of keys`;
}
