import type { Passage } from "../datasets/dataset-types.js";
import type { PassageStore } from "./passage-store.js";
import type { Db } from "./sqlite-db.js";

/** Passages in the workspace's `passages` table; `seq` is the insertion order. */
export class SqlitePassageStore implements PassageStore {
  constructor(private readonly db: Db) {}

  insert(passages: readonly Passage[]): number {
    const insert = this.db.prepare("INSERT OR IGNORE INTO passages (id, title, text, content, seq, metadata) VALUES (?, ?, ?, ?, ?, ?)");
    // Metadata (where a passage came from) is no part of its id: a file moved or renamed, or a record's
    // other fields edited, give the same passage new metadata, which replaces the old; the first of
    // one insert wins (the same text in two files of one corpus is indexed once, from the first).
    const replace = this.db.prepare("UPDATE passages SET metadata = ? WHERE id = ? AND metadata IS NOT ?");
    return this.db.transaction(() => {
      let next = ((this.db.prepare("SELECT MAX(seq) AS m FROM passages").get() as { m: number | null }).m ?? -1) + 1;
      let added = 0;
      const seen = new Set<string>();
      for (const passage of passages) {
        if (seen.has(passage.id)) continue;
        seen.add(passage.id);
        const metadata = passage.metadata ? JSON.stringify(passage.metadata) : null;
        const info = insert.run(passage.id, passage.title, passage.text, passage.content, next, metadata);
        if (info.changes > 0) {
          added++;
          next++;
        } else if (metadata) replace.run(metadata, passage.id, metadata);
      }
      return added;
    }).immediate();
  }

  contents(ids: readonly string[]): (string | undefined)[] {
    const select = this.db.prepare("SELECT content FROM passages WHERE id = ?").pluck();
    return ids.map((id) => select.get(id) as string | undefined);
  }

  metadata(ids: readonly string[]): (Record<string, unknown> | null)[] {
    const select = this.db.prepare("SELECT metadata FROM passages WHERE id = ?").pluck();
    return ids.map((id) => {
      const json = select.get(id) as string | null | undefined;
      return json ? (JSON.parse(json) as Record<string, unknown>) : null;
    });
  }

  all(): { id: string; content: string }[] {
    return this.db.prepare("SELECT id, content FROM passages ORDER BY seq").all() as { id: string; content: string }[];
  }

  allMetadata(): Record<string, unknown>[] {
    const rows = this.db.prepare("SELECT metadata FROM passages WHERE metadata IS NOT NULL ORDER BY seq").pluck().all() as string[];
    return rows.map((json) => JSON.parse(json) as Record<string, unknown>);
  }
}
