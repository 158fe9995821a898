import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { hostname } from "node:os";
import { dirname, join } from "node:path";
import { HippoError } from "../core/errors.js";
import { MIGRATIONS } from "./migrations.js";

export const WORKSPACE_FILE = "hipporag.sqlite";
export type Db = Database.Database;

/**
 * The SQLite workspace of one save dir. WAL mode so readers never block the writer; every unit of
 * work commits on its own, so an interrupted run loses at most the unit in flight.
 */
export class Workspace {
  readonly db: Db;
  readonly path: string;
  readonly saveDir: string;
  private lockHeld = false;

  private constructor(saveDir: string, db: Db, path: string) {
    this.saveDir = saveDir;
    this.db = db;
    this.path = path;
  }

  static open(saveDir: string, options: { readonly?: boolean } = {}): Workspace {
    const path = join(saveDir, WORKSPACE_FILE);
    mkdirSync(dirname(path), { recursive: true });
    let db: Db;
    try {
      db = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
      db.pragma("busy_timeout = 10000");
      if (!options.readonly) {
        db.pragma("journal_mode = WAL");
        db.pragma("synchronous = NORMAL");
      }
      db.pragma("foreign_keys = ON");
      migrate(db, path);
    } catch (error) {
      if (HippoError.isInstance(error)) throw error;
      throw new HippoError("WORKSPACE", `cannot open workspace ${path}: ${(error as Error).message}`, {
        cause: error,
        suggestion: "Check that the file is a hipporag workspace and not corrupted; a fresh --save-dir starts over",
      });
    }
    return new Workspace(saveDir, db, path);
  }

  /**
   * Takes the workspace's writer lock for this process. A second writer refuses with a clear message
   * instead of interleaving; a lock left by a dead process (SIGKILL) is taken over.
   */
  acquireWriterLock(command: string): void {
    const take = this.db.transaction(() => {
      const row = this.db.prepare("SELECT pid, host, acquired_at FROM locks WHERE name = 'writer'").get() as
        | { pid: number; host: string; acquired_at: string }
        | undefined;
      if (row && row.pid !== process.pid && row.host === hostname() && isAlive(row.pid)) {
        throw new HippoError("WORKSPACE", `workspace ${this.path} is in use by another hipporag process (pid ${row.pid}, since ${row.acquired_at})`, {
          suggestion: `Wait for it to finish, or use another --save-dir for ${command}`,
        });
      }
      this.db
        .prepare("INSERT OR REPLACE INTO locks (name, pid, host, acquired_at) VALUES ('writer', ?, ?, ?)")
        .run(process.pid, hostname(), new Date().toISOString());
    });
    take.immediate();
    this.lockHeld = true;
  }

  close(): void {
    if (!this.db.open) return;
    if (this.lockHeld) {
      this.db.prepare("DELETE FROM locks WHERE name = 'writer' AND pid = ?").run(process.pid);
      this.lockHeld = false;
    }
    this.db.close();
  }

}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function migrate(db: Db, path: string): void {
  const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
  const current = hasMeta
    ? Number((db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | undefined)?.value ?? 0)
    : 0;
  if (current > MIGRATIONS.length) {
    throw new HippoError("WORKSPACE", `workspace ${path} has schema version ${current}, newer than this hipporag understands (${MIGRATIONS.length})`, {
      suggestion: "Upgrade hipporag, or use another --save-dir",
    });
  }
  if (current === MIGRATIONS.length) return;
  if (db.readonly) throw new HippoError("WORKSPACE", `workspace ${path} needs a migration; open it read-write once`);
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]!);
      db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)").run(String(version + 1));
    }).immediate();
  }
}
