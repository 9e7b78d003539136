import { z } from "zod";
import type { Law } from "./Law.js";

const params = z
  .strictObject({
    /** Total work W = T_1 (sum of all subtask times). */
    work: z.number().positive(),
    /** Span S = T_inf (the critical path: the longest chain of dependent work). */
    span: z.number().positive(),
    /** upper: the best any schedule can do; lower: what every greedy schedule guarantees. */
    bound: z.enum(["upper", "lower"]).default("upper"),
  })
  .refine((v) => v.span <= v.work, { message: "span <= work", path: ["span"] });

/**
 * Work-span (Brent) bounds on the speedup of n workers on a DAG of work W and
 * span S: max(W/n, S) <= T_n <= W/n + S for any greedy schedule, so
 * W / (W/n + S) <= speedup <= min(n, W/S).
 */
export const workSpan: Law<typeof params> = {
  name: "work-span",
  family: "speedup",
  summary: "Brent's bounds on the speedup of n workers on a task graph of given work and span",
  formula: "upper: min(n, W/S); lower (greedy schedules): W / (W/n + S)",
  source:
    "R. P. Brent, 'The parallel evaluation of general arithmetic expressions', JACM 21(2), 1974; R. D. Blumofe and C. E. Leiserson, 'Scheduling multithreaded computations by work stealing', JACM 46(5), 1999",
  params,
  value: (n, { work, span, bound }) =>
    bound === "upper" ? Math.min(n, work / span) : work / (work / n + span),
  exactness: "closed form",
};
