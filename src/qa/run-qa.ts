import pLimit from "p-limit";
import type { ChatModel } from "../llm/chat-model.js";
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
  promptTokens: number;
  completionTokens: number;
}

/** Reads each question's top passages with the LLM; failures are returned (never an empty answer). */
export async function runQa(items: readonly QaItem[], chat: ChatModel, options: { concurrency: number; maxTokens?: number; onEach?: (done: number) => void; signal?: AbortSignal }): Promise<QaOutcome[]> {
  const limit = pLimit(options.concurrency);
  let done = 0;
  return Promise.all(
    items.map((item) =>
      limit(async (): Promise<QaOutcome> => {
        try {
          if (options.signal?.aborted) return { key: item.key, error: "interrupted", promptTokens: 0, completionTokens: 0 };
          const reply = await chat.generate({ messages: qaMessages(item.passages, item.question), stage: "qa", maxTokens: options.maxTokens }, { signal: options.signal, accept: (r) => r.text.trim() !== "" });
          if (reply.text.trim() === "") throw new Error("empty reply");
          return { key: item.key, answer: extractAnswer(reply.text), raw: reply.text, cacheHit: reply.cacheHit, promptTokens: reply.cacheHit ? 0 : reply.promptTokens, completionTokens: reply.cacheHit ? 0 : reply.completionTokens };
        } catch (error) {
          return { key: item.key, error: (error as Error).message, promptTokens: 0, completionTokens: 0 };
        } finally {
          options.onEach?.(++done);
        }
      }),
    ),
  );
}
