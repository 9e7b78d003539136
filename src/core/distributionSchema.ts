import { z } from "zod";
import type { DistSpec } from "./Distribution.js";

const positive = z.number().positive();
const nonNegative = z.number().nonnegative();

/**
 * The zod schema of a distribution in a scenario or profile file. Time-valued
 * distributions (`unit: "_s"`) spell their parameters with the unit, as in
 * `{ dist: lognormal, median_s: 0.05, sigma: 0.5 }`; unit-free ones (tokens,
 * speeds, multipliers) drop it: `{ dist: lognormal, median: 300, sigma: 0.6 }`.
 * A bare number means a fixed value. The result is normalized to a DistSpec.
 */
export function distributionSchema(unit: "" | "_s" = "") {
  const k = (name: string) => `${name}${unit}`;
  const kinds = [
    z.strictObject({ dist: z.literal("fixed"), [k("value")]: nonNegative }),
    z.strictObject({
      dist: z.literal("uniform"),
      [k("min")]: nonNegative,
      [k("max")]: nonNegative,
    }),
    z.strictObject({
      dist: z.literal("normal"),
      [k("mean")]: z.number(),
      [k("sd")]: nonNegative,
      [k("min")]: z.number().optional(),
    }),
    z.strictObject({ dist: z.literal("lognormal"), [k("median")]: positive, sigma: nonNegative }),
    z.strictObject({ dist: z.literal("exponential"), [k("mean")]: positive }),
    z.strictObject({ dist: z.literal("gamma"), shape: positive, [k("scale")]: positive }),
    z.strictObject({ dist: z.literal("pareto"), [k("scale")]: positive, alpha: positive }),
    z.strictObject({ dist: z.literal("beta"), a: positive, b: positive }),
  ] as const;
  const object = z.discriminatedUnion("dist", kinds).refine(
    (d) => {
      const r = d as Record<string, unknown>;
      return d.dist !== "uniform" || (r[k("min")] as number) <= (r[k("max")] as number);
    },
    { message: `expected ${k("min")} <= ${k("max")}` },
  );
  return z.union([nonNegative, object]).transform((raw): DistSpec => {
    if (typeof raw === "number") return { dist: "fixed", value: raw };
    // Strip the unit suffix: the simulator works with unit-free specs.
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(raw)) {
      out[unit && key.endsWith(unit) ? key.slice(0, -unit.length) : key] = value;
    }
    return out as DistSpec;
  });
}

/** A distribution as written in a file, before normalization. */
export type DistInput = z.input<ReturnType<typeof distributionSchema>>;
