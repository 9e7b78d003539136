import { z } from "zod";
import type { Law } from "./Law.js";

const params = z.strictObject({
  topology: z.enum(["debate", "star"]),
  /** Input tokens of the task prompt. */
  prompt: z.number().min(0),
  /** Output tokens of one answer. */
  answer: z.number().min(0),
  /** Rounds after the first independent answer (round 0), as in the debate protocol. */
  rounds: z.number().int().min(0).default(2),
});

/**
 * Total tokens (input + output) of n agents over rounds 0..R when context grows.
 * debate: in round r every agent reads the prompt and the r(n-1) answers of its
 * peers so far (their answers are appended round after round) and writes one
 * answer: sum_{r=0}^{R} n (prompt + r (n-1) answer + answer)
 * = n (R+1)(prompt + answer) + n (n-1) answer R (R+1)/2, quadratic in n.
 * star: a hub sends each agent one summary (an answer's size) per round after
 * the first: sum_{r=0}^{R} n (prompt + [r > 0] answer + answer)
 * = n (R+1)(prompt + answer) + n R answer, linear in n.
 */
export const tokens: Law<typeof params> = {
  name: "tokens",
  family: "communication",
  summary: "total tokens of n agents over R rounds with context growth (debate: quadratic in n)",
  formula:
    "debate: n(R+1)(P+A) + n(n-1) A R(R+1)/2; star: n(R+1)(P+A) + n R A (P = prompt, A = answer)",
  source:
    "Y. Du et al., 'Improving factuality and reasoning in language models through multiagent debate', ICML 2024 (the all-to-all debate whose context this counts)",
  params,
  value: (n, { topology, prompt, answer, rounds: R }) => {
    const base = n * (R + 1) * (prompt + answer);
    return topology === "debate"
      ? base + (n * (n - 1) * answer * R * (R + 1)) / 2
      : base + n * R * answer;
  },
  exactness: "closed form",
};
