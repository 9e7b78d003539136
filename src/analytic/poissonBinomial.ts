/**
 * The pmf of the number of successes among independent Bernoulli(p_i) trials
 * (the Poisson-binomial distribution), by the recursive convolution
 * P_j(r) = P_{j-1}(r) (1 - p_j) + P_{j-1}(r - 1) p_j, O(n^2). Every term is a
 * convex combination of probabilities, so nothing cancels; Hong (2013) compares
 * it with the DFT-CF method. Y. Hong, 'On computing the distribution function for
 * the Poisson binomial distribution', Computational Statistics & Data Analysis
 * 59, 2013; the recursion is Chen, Dempster & Liu, Biometrika 81, 1994.
 */
export function poissonBinomialPmf(probs: readonly number[]): Float64Array {
  const pmf = new Float64Array(probs.length + 1);
  pmf[0] = 1;
  probs.forEach((p, j) => {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`poissonBinomialPmf: p[${j}] = ${p}`);
    for (let r = j + 1; r >= 1; r--) pmf[r] = pmf[r] * (1 - p) + pmf[r - 1] * p;
    pmf[0] *= 1 - p;
  });
  return pmf;
}

/** The Bin(n, p) pmf, by the same recursion (stable where (1 - p)^n underflows). */
export function binomialPmf(n: number, p: number): Float64Array {
  const pmf = new Float64Array(n + 1);
  pmf[0] = 1;
  for (let j = 0; j < n; j++) {
    for (let r = j + 1; r >= 1; r--) pmf[r] = pmf[r] * (1 - p) + pmf[r - 1] * p;
    pmf[0] *= 1 - p;
  }
  return pmf;
}
