import { stringify } from "yaml";
import type { ModelProfile } from "../agents/ModelProfile.js";
import { loadScenarioFrom } from "../scenario/loadScenario.js";
import type { Scenario } from "../scenario/ScenarioSchema.js";
import { parseSourceText } from "../scenario/validateYaml.js";
import { runReplicate } from "./runReplicate.js";

/** What a sweep task needs to run: the base scenario document and each point's overrides and params. */
export interface SweepJob {
  base: unknown;
  points: { sets: string[]; params: Record<string, unknown> }[];
}

/** A sweep task: one replicate of one point. */
export interface SweepTask {
  point: number;
  replicate: number;
}

/** Runs sweep tasks of one job, loading each point's scenario once. */
export class SweepTaskRunner {
  private readonly cache = new Map<number, { scenario: Scenario; profile: ModelProfile }>();

  constructor(private readonly job: SweepJob) {}

  /** The results line of a task: point, replicate, params, then every RunResult field. */
  run(task: SweepTask): string {
    const { scenario, profile } = this.point(task.point);
    const { result } = runReplicate(scenario, profile, task.replicate);
    const { replicate, ...rest } = result;
    return JSON.stringify({
      point: task.point,
      replicate,
      params: this.job.points[task.point].params,
      ...rest,
    });
  }

  private point(index: number): { scenario: Scenario; profile: ModelProfile } {
    let hit = this.cache.get(index);
    if (hit === undefined) {
      const src = parseSourceText("sweep", stringify(this.job.base));
      const loaded = loadScenarioFrom(src, { sets: this.job.points[index].sets });
      const profile = loaded.profiles.get(loaded.scenario.agents.model);
      if (profile === undefined) throw new Error(`no profile for ${loaded.scenario.agents.model}`);
      hit = { scenario: loaded.scenario, profile };
      this.cache.set(index, hit);
    }
    return hit;
  }
}
