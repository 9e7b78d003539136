import { join } from "node:path";
import { runReplicate } from "../src/experiment/runReplicate.js";
import { loadScenario } from "../src/scenario/loadScenario.js";
import { packageRoot } from "../src/scenario/packageRoot.js";

/** A protocol the scale benchmark grows, and how its team is set up for it. */
export interface ScaleCase {
  /** The protocol's name in the figure. */
  protocol: string;
  /** A shipped scenario. */
  scenario: string;
  /** `--set` overrides besides agents.count, task.items=1 and replicates=1. */
  sets: string[];
}

/** The three protocols of the figure: O(n) votes, O(n log n) gossip, O(n²) PBFT. */
export const SCALE_CASES: Record<string, ScaleCase> = {
  independent: {
    protocol: "independent (majority vote)",
    scenario: "independent.yaml",
    sets: ["team.aggregate=majority"],
  },
  gossip: {
    protocol: "gossip (push-sum)",
    // Until converged: every agent decides (gossip.yaml stops after fixed rounds).
    scenario: "gossip-push-sum.yaml",
    sets: ["faults=[]"],
  },
  "gossip-exact": {
    protocol: "gossip (exact)",
    scenario: "gossip.yaml",
    sets: ["faults=[]"],
  },
  pbft: { protocol: "pbft", scenario: "pbft-byzantine.yaml", sets: ["faults=[]"] },
};

/** One replicate of one case at `agents`: wall time, peak memory of this process, what it did. */
export interface ScaleRun {
  case: string;
  agents: number;
  seconds: number;
  peak_mb: number;
  messages: number;
  /** Items decided by every correct agent, over all items (1: everyone decided). */
  decided_all: number;
  end_reason: string;
}

/** Runs one replicate of `name` with `agents` agents and one item, in this process (see scaleChild). */
export function scaleRun(name: string, agents: number): ScaleRun {
  const c = SCALE_CASES[name];
  if (c === undefined) throw new Error(`unknown scale case ${name}`);
  const loaded = loadScenario(join(packageRoot(), "scenarios", c.scenario), {
    sets: [...c.sets, `agents.count=${agents}`, "task.items=1", "replicates=1"],
  });
  const profile = loaded.profiles.get(loaded.scenario.agents.model);
  if (profile === undefined) throw new Error("no profile");
  const t0 = process.hrtime.bigint();
  const { result } = runReplicate(loaded.scenario, profile, 0, { noBaseline: true });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return {
    case: name,
    agents,
    seconds: Number(seconds.toFixed(3)),
    // resourceUsage's maxRSS is in kilobytes: the whole process, loading included.
    peak_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    messages: result.messages,
    decided_all: result.decided_all,
    end_reason: result.end_reason,
  };
}
