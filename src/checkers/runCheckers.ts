import { checkAgreement } from "./checkAgreement.js";
import { checkElectionSafety } from "./checkElectionSafety.js";
import { checkLogMatching } from "./checkLogMatching.js";
import { checkValidity } from "./checkValidity.js";
import type { History } from "./History.js";
import type { Verdict } from "./Verdict.js";

/** Runs every safety checker over a run's history (each passes trivially where it does not apply). */
export function runCheckers(history: History): Verdict[] {
  return [
    checkAgreement(history),
    checkValidity(history),
    checkElectionSafety(history),
    checkLogMatching(history),
  ];
}
