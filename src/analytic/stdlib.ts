import { createRequire } from "node:module";

// stdlib's special functions, loaded on first use. Each package is hundreds of
// small CommonJS files: imported up front they were about a third of every
// command's start-up (`teamsim --version` took 1 s), though most commands
// never evaluate a closed form.
const require = createRequire(import.meta.url);

function lazy<F extends (...args: never[]) => number>(id: string): F {
  let f: F | undefined;
  return ((...args: Parameters<F>) => {
    f ??= require(id) as F;
    return f(...args);
  }) as F;
}

/** stdlib's betainc(x, a, b, regularized = true, upper = false): the (regularized) incomplete beta. */
export const betainc = lazy<
  (x: number, a: number, b: number, regularized?: boolean, upper?: boolean) => number
>("@stdlib/math-base-special-betainc");
/** stdlib's digamma ψ(x). */
export const digamma = lazy<(x: number) => number>("@stdlib/math-base-special-digamma");
/** stdlib's complementary error function erfc(x). */
export const erfc = lazy<(x: number) => number>("@stdlib/math-base-special-erfc");
/** stdlib's gammainc(x, s, regularized = true, upper = false): the (regularized) incomplete gamma. */
export const gammainc = lazy<
  (x: number, s: number, regularized?: boolean, upper?: boolean) => number
>("@stdlib/math-base-special-gammainc");
/** stdlib's ln Γ(x). */
export const gammaln = lazy<(x: number) => number>("@stdlib/math-base-special-gammaln");
/** stdlib's quantile of Student's t with `v` degrees of freedom at probability `p`. */
export const tQuantile = lazy<(p: number, v: number) => number>(
  "@stdlib/stats-base-dists-t-quantile",
);
