import { HippoError } from "../core/errors.js";
import { networkCode, type FailureFacts } from "./failure.js";

export { networkCode } from "./failure.js";

/** Codes of a server that cannot be reached at all (nothing listens, no such host, no route, bad TLS). */
const UNREACHABLE = /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|CERT_|UNABLE_TO_VERIFY|DEPTH_ZERO_SELF_SIGNED|SELF_SIGNED|ERR_TLS_CERT)/;


/**
 * Faults that retries cannot fix stop a stage at once instead of being paid for passage by passage:
 * - a rejected key (401/403): no retry, and every later call fails at once without a request;
 * - no such model or endpoint (404, or an error code model_not_found: a wrong model name, or a base
 *   URL without its /v1), and a used-up quota (429 insufficient_quota, which Retry-After never ends);
 * - a server that cannot be reached: after `threshold` consecutive unreachable attempts (any
 *   request; a success in between resets the count), every later call fails at once.
 * One breaker per client: every request of a stage shares it. The error it raises is `fatal`, which
 * tells the stage to stop taking work and keep what is finished.
 */
export class CircuitBreaker {
  private tripped?: HippoError;
  private unreachableInARow = 0;

  constructor(
    /** e.g. "the LLM at http://localhost:8000/v1" */
    private readonly what: string,
    /** The settings to check, named for the user: "OPENAI_API_KEY and --llm-base-url". */
    private readonly settings: string,
    private readonly threshold = 3,
    /** The model asked for, and the settings that name it and its server ("--llm-name and --llm-base-url"). */
    private readonly model?: { id: string; settings: string },
  ) {}

  /** Throws the breaker's error once it has tripped. */
  check(): void {
    if (this.tripped) throw this.tripped;
  }

  succeeded(): void {
    this.unreachableInARow = 0;
  }

  /** Records a failed attempt; throws (fatal) when it trips the breaker. */
  failed(error: unknown, facts: FailureFacts): void {
    if (facts.status === 401 || facts.status === 403) {
      this.trip(`${this.what} refused the credentials (${facts.reason})`, `check ${this.settings}; nothing more was sent, and everything finished is kept`);
    }
    const code = errorCode(error);
    if (facts.status === 404 || code === "model_not_found") {
      this.trip(`${this.what} has ${this.model ? `no model ${this.model.id}` : "no such model"} or no such endpoint (${facts.reason})`, `check ${this.model?.settings ?? this.settings}; nothing more was sent, and everything finished is kept`);
    }
    if (facts.status === 429 && (code === "insufficient_quota" || /insufficient_quota|exceeded your current quota/i.test(facts.reason))) {
      this.trip(`${this.what} says the account's quota is used up (${facts.reason})`, `check the account's plan and billing, or ${this.settings}; nothing more was sent, and everything finished is kept`);
    }
    const network = networkCode(error) ?? (badPort(error) ? "bad port" : undefined);
    if (network && (UNREACHABLE.test(network) || network === "bad port")) {
      if (++this.unreachableInARow >= this.threshold) {
        this.trip(`${this.what} cannot be reached (${network}, ${this.unreachableInARow} attempts in a row)`, `check that the server runs and ${this.settings}; re-run to resume, everything finished is kept`);
      }
    } else this.unreachableInARow = 0;
  }

  private trip(message: string, suggestion: string): never {
    this.tripped ??= new HippoError("REMOTE", message, { suggestion, fatal: true });
    throw this.tripped;
  }
}

/** The error code of an OpenAI-style error body ({"error": {"code": …, "type": …}}), as the SDK exposes it. */
function errorCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; type?: unknown } | undefined;
  const code = typeof e?.code === "string" ? e.code : typeof e?.type === "string" ? e.type : undefined;
  return code;
}

/** fetch refuses some ports outright ("bad port": 1, 9, 25, …): no server can ever answer there. */
function badPort(error: unknown): boolean {
  let current = error as { message?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; depth < 6 && current; depth++, current = current.cause as typeof current) {
    if (current.message === "bad port") return true;
  }
  return false;
}
