/** HTTP-ish failure facts the retry loop needs, extracted from any client's error. */
export interface FailureFacts {
  retryable: boolean;
  status?: number;
  retryAfterMs?: number;
  reason: string;
}

/** The system error code somewhere in an error's cause chain (the openai SDK wraps fetch's, which wraps the socket's). */
export function networkCode(error: unknown): string | undefined {
  let current = error as { code?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; depth < 6 && current; depth++) {
    if (typeof current.code === "string") return current.code;
    current = current.cause as typeof current;
  }
  return undefined;
}
