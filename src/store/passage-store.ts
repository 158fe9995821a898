import type { Passage } from "../datasets/dataset-types.js";
import type { Workspace } from "./workspace.js";

/** Adds passages the workspace does not have yet (insertion order = seq). Returns how many were new. */
export function insertPassages(workspace: Workspace, passages: readonly Passage[]): number {
  const db = workspace.db;
  const insert = db.prepare("INSERT OR IGNORE INTO passages (id, title, text, content, seq) VALUES (?, ?, ?, ?, ?)");
  return db.transaction(() => {
    let next = ((db.prepare("SELECT MAX(seq) AS m FROM passages").get() as { m: number | null }).m ?? -1) + 1;
    let added = 0;
    for (const passage of passages) {
      const info = insert.run(passage.id, passage.title, passage.text, passage.content, next);
      if (info.changes > 0) {
        added++;
        next++;
      }
    }
    return added;
  }).immediate();
}

/** Splits an upstream passage string `title\ntext` back into its parts (the first newline separates them). */
export function splitPassage(content: string): { title: string; text: string } {
  const cut = content.indexOf("\n");
  return cut < 0 ? { title: "", text: content } : { title: content.slice(0, cut), text: content.slice(cut + 1) };
}
