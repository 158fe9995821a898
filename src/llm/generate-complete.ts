import { HippoError } from "../core/errors.js";
import type { ChatModel, ChatRequest, ChatResult } from "./chat-model.js";

/** The largest token limit a truncated reply is retried with. */
export const MAX_TOKENS_CEILING = 16_384;

export interface CompleteOptions {
  signal?: AbortSignal;
  /** Whether a complete reply is usable (parseable); unusable replies are not cached. */
  accept?: (result: ChatResult) => boolean;
  /**
   * Keep a reply cut off by the token limit (upstream's behaviour: its JSON is repaired). Off by
   * default: a truncated reply is never a result.
   */
  acceptTruncated?: boolean;
}

/**
 * One LLM call whose reply must be complete. A reply with finish_reason "length" is asked again with
 * twice the limit (from the request's max tokens, or the tokens the server spent when it set the
 * limit itself), up to MAX_TOKENS_CEILING; if it is still cut off, or the server refuses the larger
 * limit, the call fails (REMOTE, retryable) so the caller records it and the next run asks again.
 * Truncated replies are not cached, so that next run really asks. A reply withheld by the server's
 * content filter fails the same way (REMOTE, retryable, not cached).
 */
export async function generateComplete(chat: ChatModel, request: ChatRequest, options: CompleteOptions = {}): Promise<ChatResult> {
  // A reply the server's content filter withheld is no answer (often empty): never cached as one.
  const usable = (result: ChatResult) =>
    result.finishReason !== "content_filter" && (options.acceptTruncated || result.finishReason !== "length") && (!options.accept || options.accept(result));
  let current = request;
  let raised = false;
  for (;;) {
    let result: ChatResult;
    try {
      result = await chat.generate(current, { signal: options.signal, accept: usable });
    } catch (error) {
      // A server that refuses the raised limit (HTTP 400 "max_tokens too large") ends it there.
      if (raised && HippoError.isInstance(error) && error.code === "REMOTE" && !error.isRetryable) throw truncated(current.maxTokens, `; the server refused max tokens ${current.maxTokens} (${error.message})`);
      throw error;
    }
    if (result.finishReason === "content_filter") {
      throw new HippoError("REMOTE", `the server withheld the reply (finish_reason "content_filter")`, {
        isRetryable: true,
        suggestion: "the model's content filter blocked this request: it is recorded as failed and asked again by the next run (or use another model)",
      });
    }
    if (options.acceptTruncated || result.finishReason !== "length") return result;
    const limit = current.maxTokens ?? result.completionTokens;
    const next = Math.min(MAX_TOKENS_CEILING, Math.max(2 * limit, 1024));
    if (next <= limit) throw truncated(limit, `, even at ${MAX_TOKENS_CEILING}, the most asked for`);
    current = { ...current, maxTokens: next };
    raised = true;
  }
}

function truncated(limit: number | undefined, why: string): HippoError {
  return new HippoError("REMOTE", `reply cut off by the token limit (finish_reason "length", max tokens ${limit || "the server's"})${why}`, {
    isRetryable: true,
    suggestion: "raise --max-tokens, or pass --accept-truncated to keep repaired partial replies as upstream does",
  });
}
