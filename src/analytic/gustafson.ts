import { z } from "zod";
import type { Law } from "./Law.js";

const params = z.strictObject({
  /** Parallel fraction of the work done by the n-worker team (the problem grows with n). */
  p: z.number().min(0).max(1),
});

/** Gustafson's law: scaled speedup when the parallel part of the work grows with the team. */
export const gustafson: Law<typeof params> = {
  name: "gustafson",
  family: "speedup",
  summary: "scaled speedup when the problem grows with the team (fixed time, not fixed work)",
  formula: "S(n) = (1 - p) + p * n",
  source: "J. L. Gustafson, 'Reevaluating Amdahl's law', Communications of the ACM 31(5), 1988",
  params,
  value: (n, { p }) => 1 - p + p * n,
  exactness: "closed form",
};
