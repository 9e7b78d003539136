import { stringify } from "yaml";
import type { TeamProfiles } from "../runtime/World.js";
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
  private readonly cache = new Map<number, { scenario: Scenario; profiles: TeamProfiles }>();

  constructor(private readonly job: SweepJob) {}

  /** The results line of a task: point, replicate, params, then every RunResult field. */
  run(task: SweepTask): string {
    const { scenario, profiles } = this.point(task.point);
    const { result } = runReplicate(scenario, profiles, task.replicate);
    const { replicate, ...rest } = result;
    return JSON.stringify({
      point: task.point,
      replicate,
      params: this.job.points[task.point].params,
      ...rest,
    });
  }

  private point(index: number): { scenario: Scenario; profiles: TeamProfiles } {
    let hit = this.cache.get(index);
    if (hit === undefined) {
      const src = parseSourceText("sweep", stringify(this.job.base));
      const loaded = loadScenarioFrom(src, { sets: this.job.points[index].sets });
      hit = { scenario: loaded.scenario, profiles: loaded.profiles };
      this.cache.set(index, hit);
    }
    return hit;
  }
}
