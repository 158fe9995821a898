import { sha256Hex } from "../core/ids.js";
import { pyJsonDumps } from "../core/py-json.js";
import type { Workspace } from "../store/workspace.js";
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
 * Wraps any ChatModel with the workspace's `llm_cache` table. Errors are never cached, and neither
 * is a reply the caller's `accept` rejects (unparseable output is asked for again on the next run).
 */
export class CachedChatModel implements ChatModel {
  readonly modelId: string;
  readonly stats: CacheStats = { hits: 0, misses: 0 };
  private readonly inner: ChatModel;
  private readonly workspace: Workspace;

  constructor(inner: ChatModel, workspace: Workspace) {
    this.inner = inner;
    this.modelId = inner.modelId;
    this.workspace = workspace;
  }

  lookup(request: ChatRequest): ChatResult | undefined {
    const row = this.workspace.db.prepare("SELECT message, metadata FROM llm_cache WHERE key = ?").get(chatCacheKey(this.modelId, request)) as
      | { message: string; metadata: string }
      | undefined;
    if (!row) return undefined;
    const metadata = JSON.parse(row.metadata) as { finishReason: string; promptTokens: number; completionTokens: number };
    return { text: row.message, ...metadata, cacheHit: true };
  }

  store(request: ChatRequest, result: ChatResult): void {
    this.workspace.db
      .prepare("INSERT OR REPLACE INTO llm_cache (key, stage, model, message, metadata, created_at) VALUES (?, ?, ?, ?, ?, ?)")
      .run(
        chatCacheKey(this.modelId, request),
        request.stage,
        this.modelId,
        result.text,
        JSON.stringify({ finishReason: result.finishReason, promptTokens: result.promptTokens, completionTokens: result.completionTokens }),
        new Date().toISOString(),
      );
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
