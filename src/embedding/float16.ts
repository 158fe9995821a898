/** IEEE 754 half-precision conversion (Node 20 has no Float16Array). Round-to-nearest-even. */
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

export function toFloat16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  let e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - e;
    let half = mantissa >> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mantissa >> 13);
  const rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half++;
  return sign | half;
}

export function fromFloat16Bits(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function encodeFloat16(values: Float32Array): Buffer {
  if (littleEndian) {
    // The blob format is little-endian, as this machine's Uint16Array: fill one and hand over its bytes.
    const bits = new Uint16Array(values.length);
    for (let i = 0; i < values.length; i++) bits[i] = toFloat16Bits(values[i]!);
    return Buffer.from(bits.buffer, bits.byteOffset, bits.byteLength);
  }
  const out = Buffer.alloc(values.length * 2);
  for (let i = 0; i < values.length; i++) out.writeUInt16LE(toFloat16Bits(values[i]!), i * 2);
  return out;
}

/** Every half-precision value as float32, built on first use (256 KB): decoding is then one lookup. */
let halfTable: Float32Array | undefined;

export function decodeFloat16Into(bytes: Uint8Array, target: Float32Array, offset: number): void {
  // A table lookup per value instead of a Math.pow: loading a 4096-d f16 index was ~10× slower without it.
  const table = (halfTable ??= Float32Array.from({ length: 65536 }, (_, bits) => fromFloat16Bits(bits)));
  const n = bytes.byteLength >> 1;
  for (let i = 0; i < n; i++) target[offset + i] = table[bytes[2 * i]! | (bytes[2 * i + 1]! << 8)]!;
}

/**
 * A row-major dense matrix held as half-precision bits: half the memory of f32, for vectors stored
 * as f16 (whose values f16 holds exactly, so nothing is lost). Searched a block at a time, decoded.
 */
export interface HalfMatrix {
  kind: "f16";
  rows: number;
  dim: number;
  bits: Uint16Array;
}

/**
 * The half-precision bits of every value. Normal values that f16 holds exactly (all of an f16
 * space's) take a shift, not the general rounding (1.1e9 values at 10× MuSiQue's facts); any other
 * value is rounded to nearest even by `toFloat16Bits`.
 */
export function toHalfBits(values: Float32Array, out: Uint16Array = new Uint16Array(values.length)): Uint16Array {
  const words = new Uint32Array(values.buffer, values.byteOffset, values.length);
  for (let i = 0; i < words.length; i++) {
    const x = words[i]!;
    const exponent = (x >>> 23) & 0xff;
    // f32 exponents 113 … 142 are f16's normal range; 13 zero low mantissa bits mean no rounding.
    out[i] = exponent >= 113 && exponent <= 142 && (x & 0x1fff) === 0 ? ((x >>> 16) & 0x8000) | ((exponent - 112) << 10) | ((x >>> 13) & 0x3ff) : x === 0 ? 0 : toFloat16Bits(values[i]!);
  }
  return out;
}

/** Rows [from, to) of `m` as f32 values into `target` (row-major from index 0). */
export function decodeHalfRows(m: HalfMatrix, from: number, to: number, target: Float32Array): void {
  const table = (halfTable ??= Float32Array.from({ length: 65536 }, (_, bits) => fromFloat16Bits(bits)));
  const { bits, dim } = m;
  const end = to * dim;
  for (let i = from * dim, o = 0; i < end; i++, o++) target[o] = table[bits[i]!]!;
}
