import pLimit from "p-limit";
import { HippoError, isFatal } from "../core/errors.js";
import type { ChatModel } from "../llm/chat-model.js";
import { generateComplete } from "../llm/generate-complete.js";
import { extractAnswer, qaMessages } from "./qa-prompt.js";

export interface QaItem {
  key: string;
  question: string;
  passages: string[];
}

export interface QaOutcome {
  key: string;
  answer?: string;
  raw?: string;
  error?: string;
  cacheHit?: boolean;
  /** The reply was cut off by the token limit and kept (only under acceptTruncated). */
  truncated?: boolean;
  promptTokens: number;
  completionTokens: number;
}

export interface RunQaOptions {
  concurrency: number;
  maxTokens?: number;
  acceptTruncated?: boolean;
  onEach?: (done: number) => void;
  /** Called as each answer arrives, so it is stored at once (an interrupted run keeps it). */
  onAnswer?: (outcome: QaOutcome) => void;
  /** Called when a question's answer failed (after retries): not for questions left undone when the stage stops. */
  onFailure?: (outcome: QaOutcome) => void;
  signal?: AbortSignal;
}

/** Reads each question's top passages with the LLM; failures are returned (never an empty answer). */
export async function runQa(items: readonly QaItem[], chat: ChatModel, options: RunQaOptions): Promise<QaOutcome[]> {
  const limit = pLimit(options.concurrency);
  let done = 0;
  let stopped: unknown;
  return Promise.all(
    items.map((item) =>
      limit(async (): Promise<QaOutcome> => {
        // Progress counts questions with an outcome (answered, or failed after retries); those
        // interrupted or abandoned when the stage stops are still to do.
        let settled = false;
        try {
          if (stopped) throw stopped; // the stage is stopping: start nothing more
          if (options.signal?.aborted) return { key: item.key, error: "interrupted", promptTokens: 0, completionTokens: 0 };
          const reply = await generateComplete(
            chat,
            { messages: qaMessages(item.passages, item.question), stage: "qa", maxTokens: options.maxTokens },
            // A reply whose "Answer:" is followed by nothing is no answer either (never stored as one).
            { signal: options.signal, accept: (r) => extractAnswer(r.text).trim() !== "", acceptTruncated: options.acceptTruncated },
          );
          if (reply.text.trim() === "") throw new Error("empty reply");
          if (extractAnswer(reply.text).trim() === "") throw new Error('empty answer: nothing after "Answer:" in the reply');
          const outcome: QaOutcome = { key: item.key, answer: extractAnswer(reply.text), raw: reply.text, cacheHit: reply.cacheHit, ...(reply.finishReason === "length" ? { truncated: true } : {}), promptTokens: reply.cacheHit ? 0 : reply.promptTokens, completionTokens: reply.cacheHit ? 0 : reply.completionTokens };
          options.onAnswer?.(outcome);
          settled = true;
          return outcome;
        } catch (error) {
          // A rejected key, an unreachable server or a failed write ends the stage (the caller maps
          // a raw write error); anything else is this question's failure, retried next run.
          if (isFatal(error) || !HippoError.isInstance(error) && typeof (error as { code?: unknown })?.code === "string" && /^(SQLITE_|E[A-Z]+$)/.test((error as { code: string }).code)) {
            stopped = error;
            throw error;
          }
          const failed: QaOutcome = { key: item.key, error: (error as Error).message, promptTokens: 0, completionTokens: 0 };
          if (options.signal?.aborted) return failed;
          options.onFailure?.(failed);
          settled = true;
          return failed;
        } finally {
          if (settled) options.onEach?.(++done);
        }
      }),
    ),
  );
}
