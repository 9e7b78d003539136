import { z } from "zod";
import type { DistSpec } from "./Distribution.js";

const positive = z.number().positive();
const nonNegative = z.number().nonnegative();

/** How far the weights of a mixture may sum from 1. */
export const MIXTURE_WEIGHT_TOLERANCE = 1e-6;

// The kinds that are one distribution (everything but a mixture), spelled with `unit`.
function simpleKinds(unit: "" | "_s") {
  const k = (name: string) => `${name}${unit}`;
  return [
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
}

// Strips the unit suffix: the simulator works with unit-free specs.
// The kind names as literals. A parsed `dist` string is swapped for its literal:
// on Node 20 (V8 11.3) a switch over a string built by a parser intermittently
// matched no case in optimized code, under load (seen in analytic/latency.ts).
const KIND_NAMES: Record<string, string> = Object.fromEntries(
  [
    "fixed",
    "uniform",
    "normal",
    "lognormal",
    "exponential",
    "gamma",
    "pareto",
    "beta",
    "mixture",
  ].map((k) => [k, k]),
);

function stripUnit(raw: Record<string, unknown>, unit: "" | "_s"): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    out[unit && key.endsWith(unit) ? key.slice(0, -unit.length) : key] = value;
  }
  if (typeof out.dist === "string") out.dist = KIND_NAMES[out.dist] ?? out.dist;
  return out;
}

/**
 * The zod schema of a distribution in a scenario or profile file. Time-valued
 * distributions (`unit: "_s"`) spell their parameters with the unit, as in
 * `{ dist: lognormal, median_s: 0.05, sigma: 0.5 }`; unit-free ones (tokens,
 * speeds, multipliers) drop it: `{ dist: lognormal, median: 300, sigma: 0.6 }`.
 * A bare number means a fixed value. A mixture lists weighted components of
 * the other kinds, spelled the same way:
 * `{ dist: mixture, components: [{ weight: 0.7, dist: lognormal, median_s: 3, sigma: 0.9 }, ...] }`,
 * with positive weights that sum to 1. The result is normalized to a DistSpec.
 */
export function distributionSchema(unit: "" | "_s" = "") {
  const k = (name: string) => `${name}${unit}`;
  const kinds = simpleKinds(unit);
  const minMax = (d: unknown) => {
    const r = d as Record<string, unknown>;
    return r.dist !== "uniform" || (r[k("min")] as number) <= (r[k("max")] as number);
  };
  const minMaxMessage = { message: `expected ${k("min")} <= ${k("max")}` };
  const component = z
    .discriminatedUnion(
      "dist",
      kinds.map((kind) => kind.extend({ weight: positive })) as unknown as [
        (typeof kinds)[number],
        ...(typeof kinds)[number][],
      ],
    )
    .refine(minMax, minMaxMessage);
  const mixture = z.strictObject({
    dist: z.literal("mixture"),
    components: z
      .array(component)
      .min(1)
      .refine(
        (cs) => {
          let total = 0;
          for (const c of cs) total += (c as { weight?: number }).weight ?? 0;
          return Math.abs(total - 1) <= MIXTURE_WEIGHT_TOLERANCE;
        },
        {
          message: `expected component weights that sum to 1 (within ${MIXTURE_WEIGHT_TOLERANCE})`,
        },
      ),
  });
  const object = z.discriminatedUnion("dist", [...kinds, mixture]).refine(minMax, minMaxMessage);
  return z.union([nonNegative, object]).transform((raw): DistSpec => {
    if (typeof raw === "number") return { dist: "fixed", value: raw };
    if (raw.dist === "mixture") {
      const components = (raw.components as Record<string, unknown>[]).map((c) =>
        stripUnit(c, unit),
      );
      return { dist: "mixture", components } as DistSpec;
    }
    return stripUnit(raw, unit) as DistSpec;
  });
}

/** A distribution as written in a file, before normalization. */
export type DistInput = z.input<ReturnType<typeof distributionSchema>>;

/**
 * The file spelling of a normalized `spec` (the inverse of distributionSchema):
 * parameters get the `unit` suffix back, so the result validates again.
 */
export function distToInput(spec: DistSpec, unit: "" | "_s" = ""): Record<string, unknown> {
  const unitFree = new Set(["dist", "sigma", "shape", "alpha", "a", "b", "weight"]);
  const spell = (s: Record<string, unknown>) => {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(s)) {
      out[unitFree.has(key) ? key : `${key}${unit}`] = value;
    }
    return out;
  };
  if (spec.dist === "mixture") {
    return {
      dist: "mixture",
      components: spec.components.map((c) => spell(c as unknown as Record<string, unknown>)),
    };
  }
  return spell(spec as unknown as Record<string, unknown>);
}
