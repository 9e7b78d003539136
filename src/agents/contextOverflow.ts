import { distCdf } from "../analytic/distCdf.js";
import { distQuantile } from "../analytic/distQuantile.js";
import type { DistSpec } from "../core/Distribution.js";
import type { ModelProfile } from "./ModelProfile.js";

/** Below this share of prompts past a window, the overflow is left unmentioned. */
const NEGLIGIBLE = 0.001;

// P(prompt > window) for a prompt of round(X) tokens: X >= window + 0.5. Beta
// draws lie in [0, 1] (one token: never past a window; distCdf has no beta CDF).
function shareAbove(spec: DistSpec, window: number): number {
  if (spec.dist === "beta") return 0;
  if (spec.dist === "mixture")
    return spec.components.reduce((p, c) => p + c.weight * shareAbove(c, window), 0);
  return 1 - distCdf(spec, window + 0.5 - 1e-9);
}

function hasBeta(spec: DistSpec): boolean {
  return spec.dist === "beta" || (spec.dist === "mixture" && spec.components.some(hasBeta));
}

/**
 * One line per model of the team whose context window the task's prompts
 * (`task.prompt_tokens`) exceed: MockLLM fails such calls at once and no retry
 * helps, so an item no member can read stays undecided. Empty when every
 * prompt fits (or only a negligible share does not), or the task has no prompt size.
 */
export function contextOverflowWarnings(
  task: { prompt_tokens?: DistSpec },
  members: readonly ModelProfile[],
): string[] {
  const prompt = task.prompt_tokens;
  if (prompt === undefined) return [];
  const out: string[] = [];
  const seen = new Set<string>();
  for (const p of members) {
    const window = p.context_window.tokens;
    const key = `${p.name}\u0000${window}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const share = shareAbove(prompt, window);
    if (share < NEGLIGIBLE) continue;
    const where = `${p.name}'s context window of ${window}`;
    const median = hasBeta(prompt)
      ? ""
      : `, median ${Math.round(distQuantile(prompt, 0.5))} tokens`;
    const what =
      prompt.dist === "fixed"
        ? `prompt of ${Math.max(1, Math.round(prompt.value))} tokens exceeds ${where}: every call fails`
        : share >= 1 - 1e-9
          ? `prompts (task.prompt_tokens${median}) exceed ${where}: every call fails`
          : `${Number((100 * share).toPrecision(3))}% of prompts (task.prompt_tokens${median}) exceed ${where}: their calls fail`;
    out.push(`${what} (an item no member can read stays undecided)`);
  }
  return out;
}
