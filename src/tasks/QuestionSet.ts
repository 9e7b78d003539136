import { type DistSpec, sample } from "../core/Distribution.js";
import type { Rng } from "../core/Rng.js";
import type { Difficulty } from "./difficultySchema.js";
import { drawDifficulty } from "./drawDifficulty.js";
import type { ModelErrorsConfig } from "./modelErrors.js";

/** One question: how likely the reference agent is to answer it right, and its prompt size. */
export interface Question {
  index: number;
  pRef: number;
  choices: number;
  promptTokens: number;
}

/** Parameters of a question task as they appear in a scenario. */
export interface QuestionTaskConfig {
  items: number;
  choices: number;
  difficulty: Difficulty;
  prompt_tokens: DistSpec;
  /** How different models' errors on an item are related (absent: as copies of one model). */
  errors?: ModelErrorsConfig;
}

/**
 * A set of multiple-choice questions drawn from a difficulty distribution. Agents
 * of one model share each item's difficulty, which is what correlates their errors
 * (and makes majority voting saturate); different models share it too, up to the
 * model-level noise of the task's `errors` (tasks/modelErrors).
 */
export class QuestionSet {
  readonly kind = "questions";
  readonly items: readonly Question[];

  /** Number of questions. */
  get size(): number {
    return this.items.length;
  }

  constructor(config: QuestionTaskConfig, rng: Rng) {
    // Two streams: the difficulty draws do not depend on how prompts are sized.
    const diff = rng.stream("task/difficulty");
    const prompt = rng.stream("task/prompt");
    const items: Question[] = [];
    for (let i = 0; i < config.items; i++) {
      items.push({
        index: i,
        pRef: drawDifficulty(config.difficulty, diff),
        choices: config.choices,
        promptTokens: Math.max(1, Math.round(sample(prompt, config.prompt_tokens))),
      });
    }
    this.items = items;
  }
}
