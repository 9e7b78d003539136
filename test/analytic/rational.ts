// Exact rational arithmetic (BigInt) for brute-force references in the tests.

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

/** A fraction num/den in lowest terms, den > 0. */
export class Q {
  readonly num: bigint;
  readonly den: bigint;
  constructor(num: bigint | number, den: bigint | number = 1n) {
    let n = BigInt(num);
    let d = BigInt(den);
    if (d === 0n) throw new RangeError("zero denominator");
    if (d < 0n) [n, d] = [-n, -d];
    const g = gcd(n, d) || 1n;
    this.num = n / g;
    this.den = d / g;
  }
  static of(num: number, den = 1): Q {
    return new Q(BigInt(num), BigInt(den));
  }
  add(o: Q): Q {
    return new Q(this.num * o.den + o.num * this.den, this.den * o.den);
  }
  sub(o: Q): Q {
    return new Q(this.num * o.den - o.num * this.den, this.den * o.den);
  }
  mul(o: Q): Q {
    return new Q(this.num * o.num, this.den * o.den);
  }
  div(o: Q): Q {
    return new Q(this.num * o.den, this.den * o.num);
  }
  /** The nearest double (to within a couple of ulps). */
  toNumber(): number {
    const scale = 10n ** 40n;
    return Number((this.num * scale) / this.den) / 1e40;
  }
}

export const ZERO = Q.of(0);
export const ONE = Q.of(1);
