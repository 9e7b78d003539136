/**
 * Probability that an agent of skill `skill` answers an item right when the
 * reference agent (skill 0) does so with probability `pRef`: the skill shifts the
 * log-odds, p = sigmoid(logit(pRef) + skill) (DESIGN.md). Certain items stay certain.
 */
export function correctProbability(pRef: number, skill: number): number {
  if (skill === 0 || pRef <= 0 || pRef >= 1) return pRef;
  const logit = Math.log(pRef / (1 - pRef)) + skill;
  return 1 / (1 + Math.exp(-logit));
}
