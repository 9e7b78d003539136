import { stringify } from "yaml";
import { InputError } from "../src/core/InputError.js";
import { MemoryTrace, type TraceEvent } from "../src/core/Trace.js";
import { runReplicate } from "../src/experiment/runReplicate.js";
import { type LoadedScenario, loadScenarioFrom } from "../src/scenario/loadScenario.js";
import { parseSourceText } from "../src/scenario/validateYaml.js";

/** A validated scenario from a plain object (as if read from a file), with optional --set overrides. */
export function scenarioOf(doc: Record<string, unknown>, sets: string[] = []): LoadedScenario {
  return loadScenarioFrom(parseSourceText("test.yaml", stringify(doc)), { sets });
}

/** P(Binomial(n, p) > n/2): the accuracy of a majority vote of n independent agents. */
export function binomialMajority(n: number, p: number): number {
  let total = 0;
  for (let k = Math.floor(n / 2) + 1; k <= n; k++)
    total += choose(n, k) * p ** k * (1 - p) ** (n - k);
  return total;
}

function choose(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return c;
}

/** Replicate `r` of `loaded` with its trace (no baseline run). */
export function tracedReplicate(loaded: LoadedScenario, r = 0) {
  const profile = loaded.profiles.get(loaded.scenario.agents.model);
  if (profile === undefined) throw new Error(`no profile ${loaded.scenario.agents.model}`);
  const trace = new MemoryTrace();
  const { result, verdicts } = runReplicate(loaded.scenario, profile, r, {
    trace,
    noBaseline: true,
  });
  return { result, verdicts, events: trace.events };
}

/** The LLM calls `agent` started after time `t`. */
export function callsAfter(events: readonly TraceEvent[], agent: string, t: number): TraceEvent[] {
  return events.filter((e) => e.type === "call_start" && e.agent === agent && e.t > t);
}

/** The InputError `f` throws (any other error, or none, fails the test). */
export function inputErrorOf(f: () => unknown): InputError {
  try {
    f();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error("expected an InputError");
}
