/**
 * One step of xoshiro128** (Blackman and Vigna, "Scrambled linear pseudorandom
 * number generators", 2018; https://prng.di.unimi.it/xoshiro128starstar.c) on
 * the four 32-bit words s[i..i+3]: advances them and returns 32 random bits.
 * Fast in JavaScript (Math.imul, no 64-bit arithmetic), 16 bytes of state,
 * period 2^128 − 1; seeded from a hash of the stream's name (cyrb128).
 */
export function xoshiro128(s: Uint32Array, i: number): number {
  const s0 = s[i];
  const s1 = s[i + 1];
  const s2 = s[i + 2];
  const s3 = s[i + 3];
  const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
  const t = s1 << 9;
  let n2 = s2 ^ s0;
  let n3 = s3 ^ s1;
  s[i + 1] = s1 ^ n2;
  s[i] = s0 ^ n3;
  n2 ^= t;
  n3 = rotl(n3, 11);
  s[i + 2] = n2;
  s[i + 3] = n3;
  return result;
}

/** x rotated left by k bits (32-bit). */
export function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
