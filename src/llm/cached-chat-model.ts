import { sha256Hex } from "../core/ids.js";
import { pyJsonDumps } from "../core/py-json.js";
import type { LlmCacheStore } from "../store/llm-cache-store.js";
import type { ChatModel, ChatRequest, ChatResult } from "./chat-model.js";

export interface CacheStats {
  hits: number;
  misses: number;
}

/**
 * Cache key: sha256 of the sorted-keys JSON of (messages, model, seed, temperature, max_tokens),
 * i.e. every parameter that changes the output. Upstream's key leaves out max tokens; we keep it,
 * so that raising the limit after a truncated reply really asks again.
 */
export function chatCacheKey(modelId: string, request: ChatRequest): string {
  const keyed = {
    max_tokens: request.maxTokens ?? null,
    messages: request.messages.map((m) => ({ content: m.content, role: m.role })),
    model: modelId,
    seed: request.seed ?? null,
    temperature: request.temperature ?? 0,
  };
  return sha256Hex(pyJsonDumps(keyed));
}

/**
 * Wraps any ChatModel with an LLM cache store (the workspace's, by default). Errors are never cached, and neither
 * is a reply the caller's `accept` rejects (unparseable output is asked for again on the next run).
 */
export class CachedChatModel implements ChatModel {
  readonly modelId: string;
  readonly stats: CacheStats = { hits: 0, misses: 0 };
  private readonly inner: ChatModel;
  private readonly cache: LlmCacheStore;

  constructor(inner: ChatModel, cache: LlmCacheStore) {
    this.inner = inner;
    this.modelId = inner.modelId;
    this.cache = cache;
  }

  lookup(request: ChatRequest): ChatResult | undefined {
    const reply = this.cache.get(chatCacheKey(this.modelId, request));
    return reply && { ...reply, cacheHit: true };
  }

  store(request: ChatRequest, result: ChatResult): void {
    this.cache.put(chatCacheKey(this.modelId, request), request.stage, this.modelId, result);
  }

  async generate(request: ChatRequest, options: { signal?: AbortSignal; accept?: (result: ChatResult) => boolean } = {}): Promise<ChatResult> {
    const cached = this.lookup(request);
    if (cached && (!options.accept || options.accept(cached))) {
      this.stats.hits++;
      return cached;
    }
    this.stats.misses++;
    const result = await this.inner.generate(request, { signal: options.signal });
    if (!options.accept || options.accept(result)) this.store(request, result);
    return result;
  }
}
