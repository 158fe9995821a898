/**
 * The bootstrap's PRNG: xoshiro128** 1.0 (Blackman & Vigna, https://prng.di.unimi.it/xoshiro128starstar.c),
 * 32-bit outputs, period 2^128 − 1, its 128-bit state filled from the seed by SplitMix32 (so seed 0 is
 * fine and nearby seeds give unrelated streams). Chosen because it is tiny, fast on 32-bit integer math
 * in JavaScript, and has a reference implementation to check it against (xoshiro128.test.ts).
 */
export class Xoshiro128 {
  private readonly s: Uint32Array;

  constructor(state: readonly [number, number, number, number]) {
    this.s = Uint32Array.from(state);
    if (this.s.every((word) => word === 0)) throw new Error("xoshiro128** state must not be all zero");
  }

  /** Seeds the state with four SplitMix32 outputs of `seed` (any integer 0 … 2^32 − 1). */
  static fromSeed(seed: number): Xoshiro128 {
    let x = seed >>> 0;
    const next = () => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    return new Xoshiro128([next(), next(), next(), next()]);
  }

  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5), 7), 9) >>> 0;
    const t = s[1]! << 9;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return result;
  }

  /**
   * Fills `out` with uniform integers in [0, n) without modulo bias: Lemire's multiply-and-reject (the
   * 32 × 21-bit product is exact in a double, hence n ≤ 2^21). The generator is inlined on local
   * state because the bootstrap draws ten million of these (about 4× faster than calling nextUint32).
   */
  fillBelow(out: Uint32Array, n: number): void {
    if (!Number.isInteger(n) || n < 1 || n > 2 ** 21) throw new RangeError(`fillBelow needs an integer 1 ≤ n ≤ 2^21, got ${n}`);
    const threshold = 2 ** 32 % n;
    let s0 = this.s[0]!, s1 = this.s[1]!, s2 = this.s[2]!, s3 = this.s[3]!;
    for (let i = 0; i < out.length; ) {
      const x = Math.imul(s1, 5);
      const result = Math.imul((x << 7) | (x >>> 25), 9) >>> 0;
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = (s3 << 11) | (s3 >>> 21);
      const product = result * n;
      if (product >>> 0 >= threshold) out[i++] = Math.floor(product / 4294967296);
    }
    this.s[0] = s0;
    this.s[1] = s1;
    this.s[2] = s2;
    this.s[3] = s3;
  }

  /** One uniform integer in [0, n), as fillBelow. */
  below(n: number): number {
    const out = new Uint32Array(1);
    this.fillBelow(out, n);
    return out[0]!;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
