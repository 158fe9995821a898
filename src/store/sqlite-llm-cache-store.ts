import type { CachedReply, LlmCacheStore, LlmUsage } from "./llm-cache-store.js";
import type { Db } from "./sqlite-db.js";

type ReplyMetadata = Omit<CachedReply, "text">;

/** The workspace's `llm_cache` table: the reply text in `message`, the rest as JSON in `metadata`. */
export class SqliteLlmCacheStore implements LlmCacheStore {
  constructor(private readonly db: Db) {}

  get(key: string): CachedReply | undefined {
    const row = this.db.prepare("SELECT message, metadata FROM llm_cache WHERE key = ?").get(key) as { message: string; metadata: string } | undefined;
    if (!row) return undefined;
    const { finishReason, promptTokens, completionTokens } = JSON.parse(row.metadata) as ReplyMetadata;
    return { text: row.message, finishReason, promptTokens, completionTokens };
  }

  put(key: string, stage: string, model: string, reply: CachedReply): void {
    const metadata: ReplyMetadata = { finishReason: reply.finishReason, promptTokens: reply.promptTokens, completionTokens: reply.completionTokens };
    this.db
      .prepare("INSERT OR REPLACE INTO llm_cache (key, stage, model, message, metadata, created_at) VALUES (?, ?, ?, ?, ?, ?)")
      .run(key, stage, model, reply.text, JSON.stringify(metadata), new Date().toISOString());
  }

  usage(since?: string): LlmUsage[] {
    const byPair = new Map<string, LlmUsage>();
    const rows = this.db.prepare("SELECT stage, model, metadata FROM llm_cache WHERE created_at >= ? ORDER BY stage, model").iterate(since ?? "") as Iterable<{ stage: string; model: string; metadata: string }>;
    for (const row of rows) {
      const meta = JSON.parse(row.metadata) as ReplyMetadata;
      const pair = JSON.stringify([row.stage, row.model]);
      const entry = byPair.get(pair) ?? { stage: row.stage, model: row.model, calls: 0, promptTokens: 0, completionTokens: 0 };
      entry.calls++;
      entry.promptTokens += meta.promptTokens;
      entry.completionTokens += meta.completionTokens;
      byPair.set(pair, entry);
    }
    return [...byPair.values()];
  }
}
