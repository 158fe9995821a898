import Database from "better-sqlite3";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { WORKSPACE_FILE } from "./workspace.js";

/**
 * Every row of every table but the lock table, as JSON strings per table: equal snapshots mean an
 * unchanged workspace (what tests of "bad input changes nothing" compare). Opened read-only and
 * without migrating, so taking a snapshot never changes what it shows; {} when there is no workspace.
 */
export function workspaceRows(saveDir: string): Record<string, string[]> {
  const path = join(saveDir, WORKSPACE_FILE);
  if (!existsSync(path)) return {};
  const db = new Database(path, { readonly: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('locks', 'sqlite_sequence') ORDER BY name").pluck().all() as string[];
    return Object.fromEntries(tables.map((t) => [t, db.prepare(`SELECT * FROM ${t} ORDER BY 1, 2`).all().map((row) => JSON.stringify(row))]));
  } finally {
    db.close();
  }
}
