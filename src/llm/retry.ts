import { HippoError } from "../core/errors.js";
import { redactSecrets } from "../core/redact.js";
import type { CircuitBreaker } from "./circuit-breaker.js";
import { networkCode, type FailureFacts } from "./failure.js";

export type { FailureFacts } from "./failure.js";

export interface RetryPolicy {
  /** Attempts after the first. */
  maxRetries: number;
  /** First backoff; doubles each attempt, with ±25% jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A server's Retry-After is honoured up to this cap (a `retry-after: 3600` must not stall a run). */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 5, baseDelayMs: 500, maxDelayMs: 8_000, maxRetryAfterMs: 60_000 };

/** The defaults with the given fields; an `undefined` field keeps its default (a spread would erase it). */
export function retryPolicy(partial: Partial<RetryPolicy> = {}): RetryPolicy {
  const policy = { ...DEFAULT_RETRY_POLICY };
  for (const key of Object.keys(policy) as (keyof RetryPolicy)[]) {
    const value = partial[key];
    if (value !== undefined && Number.isFinite(value) && value >= 0) policy[key] = value;
  }
  return policy;
}

export interface RetryInfo {
  attempt: number;
  delayMs: number;
  reason: string;
}


/** Classifies an error of the openai SDK (or a fetch/network error). 408, 409, 429, 5xx and connection errors retry. */
export function classifyError(error: unknown): FailureFacts {
  const e = error as { status?: number; headers?: unknown; name?: string; message?: string; code?: string };
  const status = typeof e?.status === "number" ? e.status : undefined;
  const reason = status ? `HTTP ${status}` : (e?.name === "APIConnectionTimeoutError" ? "timeout" : (e?.message ?? String(error)));
  if (status !== undefined) {
    const retryable = status === 408 || status === 409 || status === 429 || status >= 500;
    // The SDK's message starts with the status itself ("401 Incorrect API key"): say it once.
    const detail = e.message ? firstLine(e.message).replace(new RegExp(`^${status}\\s*`), "") : "";
    return { retryable, status, retryAfterMs: retryAfterFromHeaders(e.headers), reason: `${reason}${detail ? `: ${detail}` : ""}` };
  }
  if (e?.name === "AbortError" || e?.name === "APIUserAbortError") return { retryable: false, reason: "aborted" };
  return { retryable: true, reason: firstLine(reason) };
}

function firstLine(text: string): string {
  return text.split("\n")[0]!.slice(0, 300);
}

export function retryAfterFromHeaders(headers: unknown): number | undefined {
  const get = (name: string): string | undefined => {
    if (!headers) return undefined;
    if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name) ?? undefined;
    const value = (headers as Record<string, unknown>)[name];
    return typeof value === "string" ? value : undefined;
  };
  const ms = get("retry-after-ms");
  if (ms !== undefined && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const after = get("retry-after");
  if (after === undefined) return undefined;
  const seconds = Number(after);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/**
 * Runs `call` with retries: exponential backoff with jitter, or the server's Retry-After capped at
 * `maxRetryAfterMs`. Non-retryable errors and the last failure become a REMOTE HippoError.
 */
export async function withRetries<T>(
  call: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  options: { signal?: AbortSignal; onRetry?: (info: RetryInfo) => void; what: string; secrets?: readonly string[]; breaker?: CircuitBreaker },
): Promise<T> {
  // A server may echo the credentials it got; nothing built from its reply may carry them further.
  const redact = (text: string) => redactSecrets(text, options.secrets ?? []);
  let reconnected = false;
  for (let attempt = 0; ; attempt++) {
    options.breaker?.check();
    try {
      const result = await call(attempt);
      options.breaker?.succeeded();
      return result;
    } catch (error) {
      if (HippoError.isInstance(error)) throw error;
      // A pooled keep-alive connection that the server closed while we were busy (uvicorn and Node
      // close idle ones after 5 s) fails before any response: send again at once on a fresh one,
      // without counting it as a retry (with --max-retries 0 the request would otherwise be lost).
      if (!reconnected && !options.signal?.aborted && isClosedConnection(error)) {
        reconnected = true;
        attempt--;
        continue;
      }
      const facts = classifyError(error);
      facts.reason = redact(facts.reason);
      if (options.signal?.aborted) throw new HippoError("INTERRUPTED", `${options.what}: interrupted`);
      options.breaker?.failed(error, facts);
      if (!facts.retryable || attempt >= policy.maxRetries) {
        throw new HippoError("REMOTE", `${options.what} failed after ${attempt + 1} attempt(s): ${facts.reason}`, {
          // the raw error (which may hold echoed credentials) is not kept as the cause
          isRetryable: facts.retryable,
          suggestion: facts.status === 401 || facts.status === 403 ? "check OPENAI_API_KEY and --llm-base-url" : "check the server, then re-run: finished work is kept",
        });
      }
      const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt) * (0.75 + Math.random() * 0.5);
      const capped = facts.retryAfterMs !== undefined ? Math.min(policy.maxRetryAfterMs, facts.retryAfterMs) : backoff;
      const delayMs = Number.isFinite(capped) && capped >= 0 ? capped : backoff; // never a NaN delay (= no wait at all)
      options.onRetry?.({ attempt: attempt + 1, delayMs, reason: facts.reason });
      await sleep(delayMs, options.signal);
    }
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
  });
}

/** A connection closed under a request before any response: a stale pooled socket. */
function isClosedConnection(error: unknown): boolean {
  const code = networkCode(error);
  if (code === "ECONNRESET" || code === "EPIPE" || code === "UND_ERR_SOCKET" || code === "UND_ERR_CLOSED") return true;
  let current = error as { message?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; depth < 6 && current; depth++, current = current.cause as typeof current) {
    if (typeof current.message === "string" && /other side closed|socket hang up/.test(current.message)) return true;
  }
  return false;
}
