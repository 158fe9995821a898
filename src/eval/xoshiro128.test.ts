import { describe, expect, it } from "vitest";
import { Xoshiro128 } from "./xoshiro128.js";

// Known answers printed by Vigna's reference xoshiro128starstar.c and a C SplitMix32, compiled with gcc.
describe("Xoshiro128 (xoshiro128** 1.0)", () => {
  it("matches the reference C implementation", () => {
    const rng = new Xoshiro128([1, 2, 3, 4]);
    expect(Array.from({ length: 6 }, () => rng.nextUint32())).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
    const later = new Xoshiro128([0x9e3779b9, 0x7f4a7c15, 0xf39cc060, 0x5ced1afb]);
    for (let i = 0; i < 1000; i++) later.nextUint32();
    expect(Array.from({ length: 4 }, () => later.nextUint32())).toEqual([526336089, 238874760, 684169342, 3766470828]);
  });

  it("seeds its state with SplitMix32 of the seed", () => {
    // SplitMix32 outputs for seed 0, in order (the C program)
    const direct = new Xoshiro128([2462723854, 1020716019, 454327756, 1275600319]);
    const seeded = Xoshiro128.fromSeed(0);
    for (let i = 0; i < 100; i++) expect(seeded.nextUint32()).toBe(direct.nextUint32());
    expect(Xoshiro128.fromSeed(1).nextUint32()).not.toBe(Xoshiro128.fromSeed(0).nextUint32());
  });

  it("fillBelow continues the same stream as nextUint32 and draws every value equally often", () => {
    const a = Xoshiro128.fromSeed(7);
    const b = Xoshiro128.fromSeed(7);
    const out = new Uint32Array(1000);
    a.fillBelow(out, 2 ** 21); // 2^32 is a multiple of 2^21: no rejection, so the streams line up
    expect(Array.from(out)).toEqual(Array.from({ length: 1000 }, () => Math.floor(b.nextUint32() / 2 ** 11)));
    expect(a.nextUint32()).toBe(b.nextUint32());
    const n = 7;
    const counts = new Array(n).fill(0);
    const draws = new Uint32Array(70_000);
    Xoshiro128.fromSeed(3).fillBelow(draws, n);
    for (const d of draws) counts[d]++;
    // each count is Binomial(70000, 1/7): mean 10000, sd 92.6; 5 sd
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(463);
    expect(() => a.fillBelow(out, 0)).toThrow(RangeError);
  });
});
