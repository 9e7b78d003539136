import { betainc } from "./stdlib.js";

/** P(escalate | right) and P(escalate | wrong) of one cascade stage. */
export interface Escalation {
  escalateIfRight: number;
  escalateIfWrong: number;
}

/** A Beta confidence model: mean mu in (0, 1), concentration kappa > 0. */
export interface BetaConfidence {
  mean: number;
  concentration: number;
}

/** P(Beta(kappa mu, kappa (1 - mu)) < theta): the regularized incomplete beta I_theta. */
export function betaConfidenceBelow(theta: number, c: BetaConfidence): number {
  if (!(c.mean > 0 && c.mean < 1) || !(c.concentration > 0))
    throw new RangeError(`confidence ${JSON.stringify(c)}`);
  if (!(theta >= 0 && theta <= 1)) throw new RangeError(`threshold = ${theta}`);
  if (theta === 0) return 0;
  if (theta === 1) return 1;
  return betainc(theta, c.concentration * c.mean, c.concentration * (1 - c.mean));
}

/**
 * Escalation on low confidence: a stage reports a confidence, distributed
 * Beta(kappa mu, kappa (1 - mu)) given a right answer (mu_r, kappa_r) and given a
 * wrong one (mu_w, kappa_w), and escalates when it is below theta:
 * e_r = I_theta(kappa_r mu_r, kappa_r (1 - mu_r)), e_w likewise (the regularized
 * incomplete beta, stdlib's betainc). The mean/concentration parametrization of
 * the Beta is Ferrari & Cribari-Neto, 'Beta regression for modelling rates and
 * proportions', Journal of Applied Statistics 31, 2004.
 */
export function betaConfidenceEscalation(
  theta: number,
  right: BetaConfidence,
  wrong: BetaConfidence,
): Escalation {
  return {
    escalateIfRight: betaConfidenceBelow(theta, right),
    escalateIfWrong: betaConfidenceBelow(theta, wrong),
  };
}

/**
 * A verifier after a stage rejects a wrong answer with probability v (its catch
 * rate) and a right one with probability v_fp; a rejection escalates. With a
 * base escalation rule (e.g. low confidence) drawn independently given the
 * answer's correctness, the item escalates if either fires:
 * e_r = 1 - (1 - e_r,base)(1 - v_fp), e_w = 1 - (1 - e_w,base)(1 - v).
 * Without a base rule (the default) e_r = v_fp, e_w = v.
 */
export function verifierEscalation(
  catchProbability: number,
  falseReject: number,
  base: Escalation = { escalateIfRight: 0, escalateIfWrong: 0 },
): Escalation {
  for (const v of [catchProbability, falseReject])
    if (!(v >= 0 && v <= 1)) throw new RangeError(`verifier probability ${v}`);
  return {
    escalateIfRight: 1 - (1 - base.escalateIfRight) * (1 - falseReject),
    escalateIfWrong: 1 - (1 - base.escalateIfWrong) * (1 - catchProbability),
  };
}
