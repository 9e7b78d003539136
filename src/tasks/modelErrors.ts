import { z } from "zod";
import type { Rng } from "../core/Rng.js";

const prob = z.number().min(0).max(1);

/** How different models' errors on one item are related (a questions task's `errors`). */
export const ModelErrorsSchema = z
  .strictObject({
    model_noise: z.number().min(0).default(0).meta({
      description:
        "sd (log-odds) of each model's own item difficulty around the item's: sigmoid(logit(p_item) + skill + model_noise * eps); 0: every model sees the same difficulty (copies' behaviour)",
    }),
    rho: prob.default(0.5).meta({
      description:
        "correlation of eps between different models (copies of one model share it: 1); 0.5 is a placeholder, not an estimate",
    }),
    distractor_concentration: prob.default(0).meta({
      description:
        "chance that a wrong answer is the item's one distractor (answer 1) rather than uniform over the wrong answers: makes wrong votes collide",
    }),
    source: z.string().optional().meta({
      description: "where model_noise and rho come from (a paper, your own agreement data)",
    }),
  })
  .prefault({});

/** A validated `errors` block. */
export type ModelErrorsConfig = z.output<typeof ModelErrorsSchema>;

/** What one model's copies share on each item: a log-odds shift, and where wrong answers go. */
export interface ItemErrors {
  /** shift[i] = model_noise * eps_{m,i}, added to logit(p_i) + skill. */
  readonly shift: Float64Array;
  readonly concentration: number;
}

/**
 * Each model's item-level errors for `items` questions: eps_{m,i} = sqrt(rho) Z_i
 * + sqrt(1 - rho) eta_{m,i}, Z_i from the `task/errors/latent` stream and eta from
 * `task/errors/model/<name>` (so adding a model does not shift another's draws).
 * Null when the block changes nothing (no noise, no concentration): today's draws.
 */
export function modelErrors(
  config: ModelErrorsConfig,
  models: readonly string[],
  items: number,
  rng: Rng,
): Map<string, ItemErrors> | null {
  if (config.model_noise === 0 && config.distractor_concentration === 0) return null;
  const latent = rng.stream("task/errors/latent");
  const z = Float64Array.from({ length: items }, () => latent.normal());
  const a = Math.sqrt(config.rho);
  const b = Math.sqrt(1 - config.rho);
  const out = new Map<string, ItemErrors>();
  for (const m of new Set(models)) {
    const own = rng.stream(`task/errors/model/${m}`);
    const shift = new Float64Array(items);
    for (let i = 0; i < items; i++) shift[i] = config.model_noise * (a * z[i] + b * own.normal());
    out.set(m, { shift, concentration: config.distractor_concentration });
  }
  return out;
}
