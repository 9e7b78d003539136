import { distMean, distMeanReciprocal } from "../core/Distribution.js";
import type { ModelProfile } from "./ModelProfile.js";

/**
 * The mean latency of one successful call of `profile`, in seconds, before
 * stragglers, slowdowns and retries: the mean of the whole-call distribution
 * when the profile has one, else E[TTFT] + E[output tokens] * E[1 / decode speed]
 * (independent draws), plus E[1 / prefill speed] * `inputTokens` when the
 * profile has a prefill speed. NaN where E[1 / speed] has no closed form.
 */
export function meanCallLatency(profile: ModelProfile, inputTokens = 0): number {
  const l = profile.latency;
  if (l.call !== undefined) return distMean(l.call);
  if (l.ttft === undefined || l.decode_tokens_per_s === undefined) return Number.NaN;
  let mean =
    distMean(l.ttft) + distMean(profile.tokens.output) * distMeanReciprocal(l.decode_tokens_per_s);
  if (l.prefill_tokens_per_s !== undefined && inputTokens > 0) {
    mean += inputTokens * distMeanReciprocal(l.prefill_tokens_per_s);
  }
  return mean;
}
