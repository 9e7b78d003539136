import { z } from "zod";
import type { Law } from "./Law.js";

const params = z.strictObject({
  /** Parallelizable fraction of the work. */
  p: z.number().min(0).max(1),
});

/** Amdahl's law: speedup of n workers when a fraction p of the work parallelizes. */
export const amdahl: Law<typeof params> = {
  name: "amdahl",
  family: "speedup",
  summary: "speedup when a fraction p of the work parallelizes perfectly",
  formula: "S(n) = 1 / ((1 - p) + p / n)",
  source:
    "G. M. Amdahl, 'Validity of the single processor approach to achieving large scale computing capabilities', AFIPS 1967",
  params,
  value: (n, { p }) => 1 / (1 - p + p / n),
  exactness: "closed form",
};
