import Database from "better-sqlite3";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { HippoRag } from "../hipporag.js";

/** Every row of every table but the lock table: equal snapshots mean an unchanged workspace. */
export function workspaceRows(saveDir: string): Record<string, unknown[]> {
  const path = join(saveDir, "hipporag.sqlite");
  if (!existsSync(path)) return {};
  const db = new Database(path, { readonly: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('locks', 'sqlite_sequence') ORDER BY name").pluck().all() as string[];
    return Object.fromEntries(tables.map((t) => [t, db.prepare(`SELECT * FROM ${t} ORDER BY 1, 2`).all().map((row) => JSON.stringify(row))]));
  } finally {
    db.close();
  }
}

/** The memory graph of a HippoRag in comparable form (content-keyed edges, sorted). */
export function graphSnapshot(hippo: HippoRag) {
  const { graph } = hippo.memoryIndex().load();
  const name = (i: number) => (i < graph.phrases.length ? `e:${graph.phrases[i]}` : `p:${graph.passageIds[i - graph.phrases.length]}`);
  const edges: string[] = [];
  const { offsets, targets, weights } = graph.csr;
  for (let i = 0; i < graph.csr.nodeCount; i++) {
    for (let k = offsets[i]!; k < offsets[i + 1]!; k++) if (targets[k]! >= i) edges.push([name(i), name(targets[k]!)].sort().join(" ~ ") + ` ${weights[k]!.toFixed(6)}`);
  }
  return { phrases: graph.phrases, passages: [...graph.passageIds].sort(), facts: graph.facts.map((f) => f.join("|")).sort(), stats: graph.stats, edges: edges.sort() };
}
