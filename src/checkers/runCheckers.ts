import { checkAgreement } from "./checkAgreement.js";
import { checkValidity } from "./checkValidity.js";
import type { History } from "./History.js";
import type { Verdict } from "./Verdict.js";

/** Runs every safety checker over a run's history. */
export function runCheckers(history: History): Verdict[] {
  return [checkAgreement(history), checkValidity(history)];
}
