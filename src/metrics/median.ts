import { quantileSorted } from "./summarize.js";

/** The median of a list of numbers (NaN for an empty list); the input is not modified. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  return quantileSorted(Float64Array.from(values).sort(), 0.5);
}
