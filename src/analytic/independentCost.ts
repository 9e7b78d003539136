import { z } from "zod";
import type { Law } from "./Law.js";

const params = z.strictObject({
  /** Items (questions) every agent answers. */
  items: z.number().int().min(0),
  /** Input tokens of one call. */
  prompt_tokens: z.number().min(0),
  /** Output tokens of one call. */
  output_tokens: z.number().min(0),
  /** USD per million input tokens (default: gpt-4o's list price). */
  price_in: z.number().min(0).default(2.5),
  /** USD per million output tokens (default: gpt-4o's list price). */
  price_out: z.number().min(0).default(10),
});

/**
 * Cost of n agents answering every item independently (one call each, no
 * coordination calls): linear in n, so a vote of n costs n single runs.
 */
export const independentCost: Law<typeof params> = {
  name: "independent-cost",
  family: "team",
  summary: "USD cost of n independent agents each answering every item once",
  formula: "cost(n) = n * items * (prompt_tokens * price_in + output_tokens * price_out) / 1e6",
  source: "Token accounting of the independent protocol (per-token list prices of the model)",
  params,
  value: (n, p) =>
    (n * p.items * (p.prompt_tokens * p.price_in + p.output_tokens * p.price_out)) / 1e6,
  exactness: "closed form",
};
