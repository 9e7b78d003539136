/**
 * Throws a RangeError (naming `fit`) unless `samples` are finite, positive and
 * not all equal: what every latency fit needs to have a finite likelihood.
 */
export function checkPositiveSamples(samples: readonly number[], fit: string): void {
  for (const x of samples) {
    if (!(Number.isFinite(x) && x > 0)) {
      throw new RangeError(`${fit}: samples must be finite and > 0, found ${x}`);
    }
  }
  if (samples.length < 2 || samples.every((x) => x === samples[0])) {
    throw new RangeError(`${fit}: needs at least two different samples`);
  }
}
