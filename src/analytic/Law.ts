import type { z } from "zod";

/** Which question a law answers; `compare` and the figures group laws by it. */
export type LawFamily =
  | "speedup"
  | "voting"
  | "latency"
  | "communication"
  | "availability"
  | "team";

/**
 * A closed form (or a numerical approximation of one) as a function of team
 * size n. Pure: no simulator, no randomness. `formula` and `source` say what it
 * computes and where it comes from.
 */
export interface Law<S extends z.ZodType = z.ZodType> {
  name: string;
  family: LawFamily;
  /** One line for `teamsim curve --help` and the docs. */
  summary: string;
  /** The formula, in plain text. */
  formula: string;
  /** Where it comes from (paper, book). */
  source: string;
  /** Its parameters (`--param k=v`), with defaults where sensible. */
  params: S;
  /** The law's value for a team of n (n >= 1). */
  value(n: number, params: z.output<S>): number;
  /** Whether the result is exact, or a numerical / approximate evaluation. */
  exactness: "closed form" | "numerical" | "approximation";
}
