import { pearson } from "./pearson.js";

/** Ranks of a sample, ties getting the mean of their ranks (1-based). */
export function ranks(values: readonly number[]): number[] {
  const idx = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(values.length);
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && idx[j + 1][0] === idx[i][0]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) out[idx[k][1]] = rank;
    i = j + 1;
  }
  return out;
}

/**
 * Spearman's rank correlation: the Pearson correlation of the ranks (ties
 * get mean ranks; Spearman 1904). NaN with fewer than two pairs or a constant side.
 */
export function spearman(x: readonly number[], y: readonly number[]): number {
  if (x.length !== y.length || x.length < 2) return Number.NaN;
  return pearson(ranks(x), ranks(y));
}
