// 128-bit hash of a string (bryc's cyrb128, public domain): four 32-bit lanes
// mixed with Math.imul, enough to seed independent generators from names.
/** Hashes `text` into four 32-bit words at out[at..at+3] (never all zero: a xoshiro state). */
export function cyrb128(text: string, out: Uint32Array, at: number): void {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  out[at] = h1 >>> 0;
  out[at + 1] = h2 >>> 0;
  out[at + 2] = h3 >>> 0;
  // xoshiro's state must not be all zero.
  out[at + 3] = (h1 | h2 | h3 | h4) === 0 ? 1 : h4 >>> 0;
}
