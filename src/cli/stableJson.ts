/**
 * JSON text of machine output: plain numbers, two-space indent. Keys come out in
 * insertion order, which our builders fix, so the same run prints the same bytes.
 */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, null, 2);
}
