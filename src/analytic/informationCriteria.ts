/** Akaike's information criterion 2k - 2 ln L of a fit with `params` free parameters. */
export function aic(logLik: number, params: number): number {
  return 2 * params - 2 * logLik;
}

/** The Bayesian (Schwarz) information criterion k ln n - 2 ln L of a fit to `n` samples. */
export function bic(logLik: number, params: number, n: number): number {
  return params * Math.log(n) - 2 * logLik;
}
