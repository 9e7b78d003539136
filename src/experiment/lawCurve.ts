import type { Law } from "../analytic/Law.js";
import { findLaw, LAWS } from "../analytic/laws.js";
import { InputError } from "../core/InputError.js";
import { validateValue } from "../scenario/validateYaml.js";

/** One point of a law's curve; value is null where the law is undefined (e.g. quorum-wait at n < k). */
export interface LawCurvePoint {
  n: number;
  value: number | null;
}

/** A law's curve: the law, its parameters after defaults, and its value at each team size. */
export interface LawCurve {
  law: Law;
  params: unknown;
  points: LawCurvePoint[];
}

/**
 * The law called `name` (see LAWS) evaluated at each team size in `sizes`,
 * with `params` validated by the law's schema (defaults filled in), as
 * `teamsim curve NAME --param k=v --n ...` does. An unknown law or a bad
 * parameter is an InputError named `law NAME`.
 */
export function lawCurve(
  name: string,
  params: Record<string, unknown> = {},
  sizes: readonly number[] = defaultSizes(),
): LawCurve {
  const law = findLaw(name);
  if (law === undefined) {
    throw new InputError(
      "law",
      "",
      undefined,
      undefined,
      `a known law (${LAWS.map((l) => l.name).join(", ")})`,
      JSON.stringify(name),
    );
  }
  let parsed: unknown;
  try {
    parsed = validateValue(`law ${name}`, params, law.params);
  } catch (e) {
    // The file wording points unknown fields at `teamsim schema`; a law's list is shorter.
    if (!(e instanceof InputError) || !e.expected.startsWith("a known field")) throw e;
    const names = Object.keys((law.params as { shape?: object }).shape ?? {});
    const expected = `a parameter of ${law.name} (${names.join(", ")})`;
    throw new InputError(e.file, e.docPath, undefined, undefined, expected, e.found);
  }
  for (const n of sizes) {
    if (!Number.isInteger(n) || n < 1) {
      throw new InputError(
        `law ${name}`,
        "n",
        undefined,
        undefined,
        "team sizes that are whole numbers >= 1",
        String(n),
      );
    }
  }
  const points = sizes.map((n) => {
    const v = law.value(n, parsed);
    return { n, value: Number.isFinite(v) ? v : null };
  });
  return { law, params: parsed, points };
}

// Team sizes 1..16, the default of `teamsim curve`.
function defaultSizes(): number[] {
  return Array.from({ length: 16 }, (_, i) => i + 1);
}
