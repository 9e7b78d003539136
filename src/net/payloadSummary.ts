/**
 * A short, one-line description of a message's payload for the trace (what
 * hovering a message in the report shows): at most `max` characters, two
 * levels deep, the first few items of arrays, sizes of maps and sets. It reads
 * only own enumerable fields, so a payload's cost to describe stays small
 * whatever it holds (a vote log of 100,000 entries shows as its length).
 */
export function payloadSummary(value: unknown, max = 120): string {
  const text = brief(value, 2);
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

const ITEMS = 4;
const FIELDS = 6;

function brief(v: unknown, depth: number): string {
  if (v === null || v === undefined) return String(v);
  switch (typeof v) {
    case "number":
      // Four significant digits: a summary, not the value (the trace is not a replay log).
      return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
    case "string":
      return JSON.stringify(v.length > 40 ? `${v.slice(0, 39)}…` : v);
    case "boolean":
    case "bigint":
      return String(v);
    case "object":
      break;
    default:
      return typeof v;
  }
  if (Array.isArray(v) || ArrayBuffer.isView(v)) {
    const list = v as unknown as ArrayLike<unknown>;
    if (depth === 0) return `[${list.length} items]`;
    const items: string[] = [];
    for (let i = 0; i < Math.min(list.length, ITEMS); i++) items.push(brief(list[i], depth - 1));
    if (list.length > ITEMS) items.push(`… ${list.length - ITEMS} more`);
    return `[${items.join(", ")}]`;
  }
  if (v instanceof Map || v instanceof Set) return `${v.constructor.name}(${v.size})`;
  if (depth === 0) return "{…}";
  const record = v as Record<string, unknown>;
  const keys = Object.keys(record);
  const fields = keys.slice(0, FIELDS).map((k) => `${k}: ${brief(record[k], depth - 1)}`);
  if (keys.length > FIELDS) fields.push("…");
  return `{${fields.join(", ")}}`;
}
