import { usageError } from "./errors.js";

// Value rules shared by the CLI parser and the library config, so both refuse the same values with
// the same message. `name` is the caller's word for the setting: "--concurrency" on the command line,
// "llm.concurrency" in the library.

/**
 * A number from a flag or a config value, NaN unless text is written in decimal (Number() also reads
 * "0x10" as 16, "0b1" as 1 and "" as 0, which would turn a typo into a setting and a run label).
 */
export function decimal(value: unknown): number {
  if (typeof value === "string") return /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(value) ? Number(value) : Number.NaN;
  return Number(value);
}

export function positiveInt(name: string, value: unknown, max = Number.MAX_SAFE_INTEGER): number {
  const n = decimal(value);
  if (!Number.isSafeInteger(n) || n <= 0 || n > max) throw usageError(`${name} must be a positive integer${max < Number.MAX_SAFE_INTEGER ? ` up to ${max}` : ""}, got ${show(value)}`);
  return n;
}

export function nonNegativeInt(name: string, value: unknown, max = Number.MAX_SAFE_INTEGER): number {
  const n = decimal(value);
  if (!Number.isSafeInteger(n) || n < 0 || n > max) throw usageError(`${name} must be a non-negative integer${max < Number.MAX_SAFE_INTEGER ? ` up to ${max}` : ""}, got ${show(value)}`);
  return n;
}

/** The longest timer Node can set (2^31 − 1 ms, about 24.8 days): a longer timeout would fire at once. */
export const MAX_TIMER_MS = 2_147_483_647;
/** More retries than anyone needs; beyond it a typo (1e9) would retry for ever. */
export const MAX_RETRIES = 100;

/** A number in [0, 1], or in [0, 1) with `{ below1: true }` (PageRank damping: 1 never converges). */
export function unitFloat(name: string, value: unknown, options: { below1?: boolean } = {}): number {
  const n = decimal(value);
  const ok = Number.isFinite(n) && n >= 0 && (options.below1 ? n < 1 : n <= 1);
  if (!ok) throw usageError(`${name} must be a number ${options.below1 ? "from 0 up to (not including) 1" : "between 0 and 1"}, got ${show(value)}`);
  return n;
}

/**
 * A base URL must be http(s) (`new URL("localhost:8000")` parses, with "localhost:" as its scheme),
 * with no credentials (fetch refuses such URLs: every request would fail as a "connection error" and
 * be retried), no fragment, and no query string but Azure's `?api-version=` (createOpenAIClient
 * sends that one on every call; the client would append its path after any other, so a key there
 * never arrives). Messages show those parts as ***: they are where a key would be.
 */
export function httpUrl(name: string, value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw usageError(`${name} is not a URL: "${maskedText(value)}"`, `e.g. ${name} http://localhost:8000/v1`);
  }
  const keyHint = "pass the key in OPENAI_API_KEY (or the variable named by --<stage>-llm-key-env), never in the URL";
  if (url.username || url.password) throw usageError(`${name} must not hold a user name or password (${maskedUrl(url)})`, keyHint);
  if (url.hash || url.href.endsWith("#")) throw usageError(`${name} must not carry a fragment (${maskedUrl(url)})`, keyHint);
  const query = [...url.searchParams.keys()];
  const azure = query.length === 1 && query[0] === "api-version" && url.searchParams.get("api-version") !== "";
  if ((url.search || url.href.includes("?")) && !azure) {
    throw usageError(`${name} must not carry a query string other than ?api-version= (${maskedUrl(url)}): the client appends its path after it, so no request would reach the server as meant`, keyHint);
  }
  return value;
}

/**
 * A store location (Chroma's server, LanceDB's object store) must hold no user name, password, query
 * or fragment: they are where a secret would be (a password, a SAS token, a signature), and the
 * location is recorded in the workspace and shown in messages. Refused, shown masked. Not a URL
 * (a plain folder): left alone.
 */
export function noSecretsInLocation(name: string, value: string, hint: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return;
  }
  if (url.username || url.password) throw usageError(`${name} must not hold a user name or password (${maskedUrl(url)})`, hint);
  if (url.search || url.hash || value.includes("?") || value.includes("#")) throw usageError(`${name} must not carry a query string or fragment (${maskedUrl(url)})`, hint);
}

/** A location (URL or path) as messages may show it: user info, query and fragment as ***. */
export function maskedLocation(value: string): string {
  try {
    return maskedUrl(new URL(value));
  } catch {
    return maskedText(value);
  }
}

/** A parsed URL rebuilt with its user info, query and fragment as ***. */
function maskedUrl(url: URL): string {
  return `${url.protocol}//${url.username || url.password ? "***@" : ""}${url.host}${url.pathname}${url.href.includes("?") ? "?***" : ""}${url.href.includes("#") ? "#***" : ""}`;
}

/** Text that is no URL, with anything before an @ after the scheme, and any query or fragment, as ***. */
function maskedText(value: string): string {
  return value
    .trim()
    .replace(/^([a-z][a-z0-9+.-]*:[\\/]*)[^@]*@/i, "$1***@")
    .replace(/[?#].*$/, (rest) => `${rest[0]}***`);
}

/** A given value as messages show it: strings quoted, objects and lists named, never "[object Object]". */
export function show(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  return typeof value === "string" ? JSON.stringify(value) : typeof value === "object" ? "an object" : String(value);
}

/**
 * Refuses a config object's keys that are not settings (`{ modle: "x" }`): a typo would otherwise
 * leave the setting at its default without a word. `name` is the object's path ("llm", "retrieval").
 */
export function knownKeys(name: string, value: object, known: readonly string[]): void {
  const unknown = Object.keys(value).filter((key) => !known.includes(key) && (value as Record<string, unknown>)[key] !== undefined);
  if (unknown.length > 0) throw usageError(`${unknown.map((key) => `${name}.${key}`).join(", ")} ${unknown.length === 1 ? "is not a setting" : "are not settings"}`, `${name} takes ${known.join(", ")}`);
}

export function oneOf<T extends string>(name: string, value: unknown, choices: readonly T[]): T {
  if (typeof value !== "string" || !choices.includes(value as T)) throw usageError(`${name} must be one of ${choices.join(", ")}, got ${show(value)}`);
  return value as T;
}

export function flag(name: string, value: unknown): boolean {
  if (typeof value !== "boolean") throw usageError(`${name} must be true or false, got ${show(value)}`);
  return value;
}
