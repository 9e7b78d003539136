import { InputError } from "../core/InputError.js";
import { MAX_AGENTS } from "../scenario/ScenarioSchema.js";

/** The most team sizes one `--n` may produce (a typo like 1..1e9 is an error, not a hang). */
export const MAX_TEAM_SIZES = 10_000;

/**
 * Team sizes from `a..b`, `a..b:step` or a comma list `a,b,c` of positive
 * integers up to MAX_AGENTS, the largest team a scenario may have (a law's sums
 * and integrals grow with n: at n = 1e9 some never finish); a list keeps its
 * order; repeats are errors.
 */
export function parseTeamSizes(text: string, flag = "--n"): number[] {
  const bad = (expected: string, found: string = JSON.stringify(text)) =>
    new InputError(`${flag} ${text}`, "", undefined, undefined, expected, found);
  const grammar = "team sizes as a..b, a..b:step or a,b,c (positive integers)";
  const range = /^\s*(\d+)\s*\.\.\s*(\d+)\s*(?::\s*(\d+)\s*)?$/.exec(text);
  if (range) {
    const [a, b, step] = [Number(range[1]), Number(range[2]), Number(range[3] ?? "1")];
    if (a < 1) throw bad("a first team size >= 1", String(a));
    if (b < a) throw bad(`a last team size >= the first (${a})`, String(b));
    if (step < 1) throw bad("a step >= 1", String(step));
    const count = Math.floor((b - a) / step) + 1;
    if (count > MAX_TEAM_SIZES) throw bad(`at most ${MAX_TEAM_SIZES} team sizes`, `${count}`);
    if (b > MAX_AGENTS) throw bad(`team sizes up to ${MAX_AGENTS}`, String(b));
    return Array.from({ length: count }, (_, i) => a + i * step);
  }
  const parts = text.split(",").map((s) => s.trim());
  if (parts.length === 0 || parts.some((s) => !/^\d+$/.test(s))) throw bad(grammar);
  const sizes = parts.map(Number);
  const zero = sizes.find((n) => n < 1);
  if (zero !== undefined) throw bad("team sizes >= 1", String(zero));
  const big = sizes.find((n) => n > MAX_AGENTS);
  if (big !== undefined) throw bad(`team sizes up to ${MAX_AGENTS}`, String(big));
  if (sizes.length > MAX_TEAM_SIZES)
    throw bad(`at most ${MAX_TEAM_SIZES} team sizes`, `${sizes.length}`);
  const seen = new Set<number>();
  for (const n of sizes) {
    if (seen.has(n)) throw bad("distinct team sizes", `${n} twice`);
    seen.add(n);
  }
  return sizes;
}
