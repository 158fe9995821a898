import type { Passage } from "../datasets/dataset-types.js";
import type { Workspace } from "./workspace.js";

/**
 * Adds passages the workspace does not have yet (insertion order = seq). Returns how many were new.
 * Metadata given for a passage stored earlier without any is filled in.
 */
export function insertPassages(workspace: Workspace, passages: readonly Passage[]): number {
  const db = workspace.db;
  const insert = db.prepare("INSERT OR IGNORE INTO passages (id, title, text, content, seq, metadata) VALUES (?, ?, ?, ?, ?, ?)");
  const fill = db.prepare("UPDATE passages SET metadata = ? WHERE id = ? AND metadata IS NULL");
  return db.transaction(() => {
    let next = ((db.prepare("SELECT MAX(seq) AS m FROM passages").get() as { m: number | null }).m ?? -1) + 1;
    let added = 0;
    for (const passage of passages) {
      const metadata = passage.metadata ? JSON.stringify(passage.metadata) : null;
      const info = insert.run(passage.id, passage.title, passage.text, passage.content, next, metadata);
      if (info.changes > 0) {
        added++;
        next++;
      } else if (metadata) fill.run(metadata, passage.id);
    }
    return added;
  }).immediate();
}

/** Splits an upstream passage string `title\ntext` back into its parts (the first newline separates them). */
export function splitPassage(content: string): { title: string; text: string } {
  const cut = content.indexOf("\n");
  return cut < 0 ? { title: "", text: content } : { title: content.slice(0, cut), text: content.slice(cut + 1) };
}

/** The stored metadata of each passage id (null when it has none), in the order given. */
export function passageMetadata(workspace: Workspace, passageIds: readonly string[]): (Record<string, unknown> | null)[] {
  const select = workspace.db.prepare("SELECT metadata FROM passages WHERE id = ?").pluck();
  return passageIds.map((id) => {
    const json = select.get(id) as string | null | undefined;
    return json ? (JSON.parse(json) as Record<string, unknown>) : null;
  });
}

/** Metadata for a ranked list, or undefined when none of its passages has any (plain corpora stay as they were). */
export function rankedMetadata(workspace: Workspace, passageIds: readonly string[]): (Record<string, unknown> | null)[] | undefined {
  const metadata = passageMetadata(workspace, passageIds);
  return metadata.some((m) => m !== null) ? metadata : undefined;
}
