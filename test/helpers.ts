import { stringify } from "yaml";
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
