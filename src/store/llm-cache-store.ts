/** A stored LLM reply: its text and what the server said about it. */
export interface CachedReply {
  text: string;
  /** "stop", "length", … as the server reported it. */
  finishReason: string;
  promptTokens: number;
  completionTokens: number;
}

/** Tokens spent per (stage, model), counted over every cached reply (each was paid for once). */
export interface LlmUsage {
  stage: string;
  model: string;
  calls: number;
  promptTokens: number;
  completionTokens: number;
}

/**
 * The LLM reply cache: replies by request key (the caller's hash of every output-changing input).
 * `put` replaces what a key held; the stage and model are kept for cost reports.
 */
export interface LlmCacheStore {
  get(key: string): CachedReply | undefined;
  put(key: string, stage: string, model: string, reply: CachedReply): void;
  /** Usage per (stage, model), sorted by stage, then model; `since` (ISO time): of the replies stored from then on. */
  usage(since?: string): LlmUsage[];
}
