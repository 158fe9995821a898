/**
 * A reply with HTTP 200 that lacks what was asked for (a chat message's text, an embedding list).
 * Some gateways (OpenRouter, LiteLLM) answer an upstream failure as 200 {"error": {…}}: the error's
 * message is quoted (scrubbed of secrets), and an HTTP status given as its code (OpenRouter sends
 * {"error": {"code": 401, …}}) becomes `status`, so the retry rules and the circuit breaker treat it
 * as that status. Without one it is transient, like any failed attempt. Thrown inside the retried
 * call, never stored.
 */
export class ReplyWithoutText extends Error {
  override readonly name = "ReplyWithoutText";
  readonly status?: number;
  readonly code?: string;

  constructor(body: unknown, lacking: string, scrub: (text: string) => string) {
    const error = (body as { error?: unknown } | null)?.error;
    const fields = typeof error === "object" && error !== null ? (error as { message?: unknown; code?: unknown; type?: unknown }) : { message: error };
    const said = typeof fields.message === "string" ? fields.message : fields.message === undefined ? undefined : JSON.stringify(fields.message);
    super(error === undefined || error === null ? `the response has no ${lacking}` : `the server replied 200 with an error: ${scrub((said ?? JSON.stringify(error)).slice(0, 300))}`);
    if (typeof fields.code === "number" && fields.code >= 400 && fields.code < 600) this.status = fields.code;
    this.code = typeof fields.code === "string" ? fields.code : typeof fields.type === "string" ? fields.type : undefined;
  }
}
