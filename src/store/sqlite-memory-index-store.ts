import type { IndexRow, MemoryIndexStore, PhraseNeighbors } from "./memory-index-store.js";
import type { Db } from "./sqlite-db.js";

/** Memory indexes in the workspace's `indexes`, `index_passages` and `synonyms` tables. */
export class SqliteMemoryIndexStore implements MemoryIndexStore {
  constructor(private readonly db: Db) {}

  ensure(indexId: string, row: IndexRow): void {
    const now = new Date().toISOString();
    this.db
      .prepare(
        `INSERT INTO indexes (id, openie_model, encoder, config, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET updated_at = excluded.updated_at`,
      )
      .run(indexId, row.openieModel, row.encoder, JSON.stringify(row.config), now, now);
  }

  get(indexId: string): IndexRow | undefined {
    const row = this.db.prepare("SELECT openie_model, encoder, config FROM indexes WHERE id = ?").get(indexId) as { openie_model: string; encoder: string; config: string } | undefined;
    return row && { openieModel: row.openie_model, encoder: row.encoder, config: JSON.parse(row.config) };
  }

  all(): (IndexRow & { id: string })[] {
    const rows = this.db.prepare("SELECT id, openie_model, encoder, config FROM indexes ORDER BY id").all() as { id: string; openie_model: string; encoder: string; config: string }[];
    return rows.map((row) => ({ id: row.id, openieModel: row.openie_model, encoder: row.encoder, config: JSON.parse(row.config) }));
  }

  passages(indexId: string): Map<string, string | null> {
    return new Map(this.db.prepare("SELECT passage_id, triples_hash FROM index_passages WHERE index_id = ? ORDER BY seq").raw().all(indexId) as [string, string | null][]);
  }

  setPassages(indexId: string, passages: readonly (readonly [string, string])[], excluded: readonly string[]): void {
    const insert = this.db.prepare("INSERT INTO index_passages (index_id, passage_id, seq, triples_hash) VALUES (?, ?, ?, ?)");
    this.db.transaction(() => {
      this.db.prepare("DELETE FROM index_passages WHERE index_id = ?").run(indexId);
      passages.forEach(([id, hash], seq) => insert.run(indexId, id, seq, hash));
      this.db.prepare("UPDATE indexes SET excluded = ? WHERE id = ?").run(excluded.length ? JSON.stringify(excluded) : null, indexId);
    }).immediate();
  }

  excluded(indexId: string): string[] {
    const json = this.db.prepare("SELECT excluded FROM indexes WHERE id = ?").pluck().get(indexId) as string | null | undefined;
    return json ? (JSON.parse(json) as string[]) : [];
  }

  synonyms(indexId: string): Map<string, PhraseNeighbors> {
    const rows = this.db.prepare("SELECT phrase, neighbors FROM synonyms WHERE index_id = ?").raw().all(indexId) as [string, string][];
    return new Map(rows.map(([phrase, neighbors]) => [phrase, JSON.parse(neighbors) as PhraseNeighbors]));
  }

  writeSynonyms(indexId: string, lists: ReadonlyMap<string, PhraseNeighbors>, removed: readonly string[]): void {
    const upsert = this.db.prepare("INSERT OR REPLACE INTO synonyms (index_id, phrase, neighbors) VALUES (?, ?, ?)");
    const drop = this.db.prepare("DELETE FROM synonyms WHERE index_id = ? AND phrase = ?");
    this.db.transaction(() => {
      for (const [phrase, list] of lists) upsert.run(indexId, phrase, JSON.stringify(list));
      for (const phrase of removed) drop.run(indexId, phrase);
    }).immediate();
  }
}
