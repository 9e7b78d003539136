import { z } from "zod";
import { distributionSchema } from "../core/distributionSchema.js";

// Every group of numbers says where it came from: a public price list, a public
// latency benchmark, a calibration run over a named data set, or
// "placeholder until calibrated".
const source = z.string().min(1);

const retrySchema = z.strictObject({
  /** Attempts in all, the first included. */
  max_attempts: z.number().int().min(1).default(5),
  /** Backoff before retry k (k = 1, 2, ...) is min(max_backoff_s, base_backoff_s * 2^(k-1)), then jittered. */
  base_backoff_s: z.number().nonnegative().default(1),
  max_backoff_s: z.number().nonnegative().default(60),
  /** full: uniform(0, b); equal: b/2 + uniform(0, b/2); none: b (AWS Architecture Blog, "Exponential Backoff And Jitter", 2015). */
  jitter: z.enum(["full", "equal", "none"]).default("full"),
});

/** The zod schema of a model profile file (models/*.yaml). */
export const ModelProfileSchema = z.strictObject({
  name: z.string().min(1),
  provider: z.string().min(1),
  description: z.string().optional(),
  skill: z.strictObject({
    /** Shift of the reference agent's log-odds of a right answer (0 = reference). */
    value: z.number(),
    source,
  }),
  context_window: z.strictObject({ tokens: z.number().int().positive(), source }),
  price: z.strictObject({
    input_per_mtok: z.number().nonnegative(),
    output_per_mtok: z.number().nonnegative(),
    source,
  }),
  latency: z
    .strictObject({
      /** Time to first token (required unless `call` is given). */
      ttft: distributionSchema("_s").optional(),
      /** Output (decode) speed, tokens per second (required unless `call` is given). */
      decode_tokens_per_s: distributionSchema("").optional(),
      /** Input (prefill) speed, tokens per second; omit to fold prefill into ttft. */
      prefill_tokens_per_s: distributionSchema("").optional(),
      /**
       * The whole call's latency, fitted to traces (`teamsim calibrate`); replaces
       * ttft + output / decode (+ input / prefill), so those are then not given.
       */
      call: distributionSchema("_s").optional(),
      source,
    })
    .superRefine((l, ctx) => {
      const parts = ["ttft", "decode_tokens_per_s", "prefill_tokens_per_s"] as const;
      if (l.call !== undefined) {
        for (const f of parts)
          if (l[f] !== undefined)
            ctx.addIssue({
              code: "custom",
              path: [f],
              message: `no ${f} when call is given (the whole-call latency replaces ttft + output / decode + input / prefill)`,
            });
        return;
      }
      for (const f of ["ttft", "decode_tokens_per_s"] as const)
        if (l[f] === undefined)
          ctx.addIssue({
            code: "custom",
            path: [f],
            message: `${f} (or a whole-call latency distribution in latency.call)`,
          });
    }),
  tokens: z.strictObject({
    /** Output tokens of one call (an answer with its reasoning). */
    output: distributionSchema(""),
    source,
  }),
  failures: z
    .strictObject({
      /** Probability that one API attempt fails with a transient error (429, 5xx, timeout). */
      transient_error_rate: z.number().min(0).max(1).default(0),
      /** How long a failed attempt takes before the error is seen. */
      error_latency: distributionSchema("_s").prefault({ dist: "fixed", value_s: 0.5 }),
      retry: retrySchema.prefault({}),
      /** Crashes per hour of simulated time (a crashed agent stays down). */
      crash_rate_per_hour: z.number().nonnegative().default(0),
      straggler: z
        .strictObject({
          /** Probability that a call is a straggler. */
          probability: z.number().min(0).max(1).default(0),
          /** Factor by which a straggler's latency is multiplied (heavy-tailed, >= 1). */
          multiplier: distributionSchema("").prefault({ dist: "pareto", scale: 2, alpha: 1.5 }),
        })
        .prefault({}),
      source,
    })
    .prefault({ source: "defaults: no failures" }),
});

/** A validated model profile. */
export type ModelProfile = z.output<typeof ModelProfileSchema>;
/** Retry policy of a profile. */
export type RetryPolicy = ModelProfile["failures"]["retry"];
