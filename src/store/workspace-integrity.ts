import Database from "better-sqlite3";
import { join } from "node:path";
import { WORKSPACE_FILE } from "./workspace.js";

/**
 * SQLite's integrity check of the workspace in `saveDir` ("ok" when sound), read-only and without
 * migrating: what tests run after a crash or a full disk to show nothing was half-written.
 */
export function workspaceIntegrity(saveDir: string): string {
  const db = new Database(join(saveDir, WORKSPACE_FILE), { readonly: true });
  try {
    return db.pragma("integrity_check", { simple: true }) as string;
  } finally {
    db.close();
  }
}
