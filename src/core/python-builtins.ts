/**
 * Python built-ins whose JavaScript look-alikes differ at the edges, for the places where upstream's
 * evaluation uses them (answers, gold passages, the reported numbers): a difference there changes
 * the numbers users compare with the paper's.
 */

/**
 * Python's `bool(value)` for JSON values: false for False, None, 0, "", [] and {}; NaN is true.
 * (JavaScript's truthiness differs on [], {} and NaN.)
 */
export function pyTruthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === "") return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === "object") return Object.keys(value).length > 0;
  return true;
}

/**
 * The characters Python's `str.split()` and `str.strip()` take as whitespace: JavaScript's `\s` plus
 * U+001C–U+001F and U+0085, less U+FEFF (the byte-order mark, which Python keeps).
 */
const PY_SPACE = "\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const PY_SPACES = new RegExp(`[${PY_SPACE}]+`, "u");
const PY_EDGES = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, "gu");

/** Python's `text.split()`: the runs of non-whitespace. */
export function pySplit(text: string): string[] {
  return text.split(PY_SPACES).filter(Boolean);
}

/** Python's `text.strip()`. */
export function pyStrip(text: string): string {
  return text.replace(PY_EDGES, "");
}

/**
 * Python's `round(value, digits)`: the exact binary value rounded to `digits` decimals, an exact tie
 * to the even digit (round(0.03125, 4) = 0.0312), read back as the nearest double. Math.round(v·10⁴)/10⁴
 * rounds ties up and adds the product's own rounding error (0.0313 there).
 */
export function pyRound(value: number, digits: number): number {
  if (!Number.isFinite(value) || value === 0) return value;
  const negative = value < 0;
  // |value| = mantissa · 2^exponent exactly, from its IEEE-754 bits
  const bits = new DataView(new ArrayBuffer(8));
  bits.setFloat64(0, Math.abs(value));
  const high = bits.getUint32(0);
  const biased = (high >>> 20) & 0x7ff;
  let mantissa = (BigInt(high & 0xfffff) << 32n) | BigInt(bits.getUint32(4));
  let exponent: number;
  if (biased === 0) exponent = -1074; // subnormal
  else {
    mantissa |= 1n << 52n;
    exponent = biased - 1075;
  }
  const scale = 10n ** BigInt(digits);
  let rounded: bigint;
  if (exponent >= 0) rounded = (mantissa << BigInt(exponent)) * scale;
  else {
    const numerator = mantissa * scale;
    const denominator = 1n << BigInt(-exponent);
    const quotient = numerator / denominator;
    const twice = 2n * (numerator - quotient * denominator);
    rounded = twice > denominator || (twice === denominator && quotient % 2n === 1n) ? quotient + 1n : quotient;
  }
  const result = Number.parseFloat(`${rounded}e-${digits}`);
  return negative ? -result : result;
}
