import { usageError } from "./errors.js";

/**
 * Value rules shared by the CLI parser and the library config, so both refuse the same values with
 * the same message. `name` is the caller's word for the setting: "--concurrency" on the command line,
 * "llm.concurrency" in the library.
 */
export function positiveInt(name: string, value: unknown, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0 || n > max) throw usageError(`${name} must be a positive integer${max < Number.MAX_SAFE_INTEGER ? ` up to ${max}` : ""}, got ${show(value)}`);
  return n;
}

export function nonNegativeInt(name: string, value: unknown, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0 || n > max) throw usageError(`${name} must be a non-negative integer${max < Number.MAX_SAFE_INTEGER ? ` up to ${max}` : ""}, got ${show(value)}`);
  return n;
}

/** The longest timer Node can set (2^31 − 1 ms, about 24.8 days): a longer timeout would fire at once. */
export const MAX_TIMER_MS = 2_147_483_647;
/** More retries than anyone needs; beyond it a typo (1e9) would retry for ever. */
export const MAX_RETRIES = 100;

/** A number in [0, 1], or in [0, 1) with `{ below1: true }` (PageRank damping: 1 never converges). */
export function unitFloat(name: string, value: unknown, options: { below1?: boolean } = {}): number {
  const n = typeof value === "string" && value.trim() === "" ? Number.NaN : Number(value);
  const ok = Number.isFinite(n) && n >= 0 && (options.below1 ? n < 1 : n <= 1);
  if (!ok) throw usageError(`${name} must be a number ${options.below1 ? "from 0 up to (not including) 1" : "between 0 and 1"}, got ${show(value)}`);
  return n;
}

/** A base URL must be http(s): `new URL("localhost:8000")` parses, with "localhost:" as its scheme. */
export function httpUrl(name: string, value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw usageError(`${name} is not a URL: "${value}"`, `e.g. ${name} http://localhost:8000/v1`);
  }
  return value;
}

function show(value: unknown): string {
  return typeof value === "string" ? `"${value}"` : String(value);
}
