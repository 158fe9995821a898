import Database from "better-sqlite3";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { dirname, join } from "node:path";
import { HippoError } from "../core/errors.js";
import { md5Hex } from "../core/ids.js";
import type { LlmCacheStore } from "./llm-cache-store.js";
import type { MemoryIndexStore } from "./memory-index-store.js";
import { MIGRATIONS } from "./migrations.js";
import type { OpenIEModelCount, OpenIEResults, OpenIEStore } from "./openie-store.js";
import type { PassageStore } from "./passage-store.js";
import type { ReportStore } from "./report-store.js";
import type { RunStore } from "./run-store.js";
import type { Db } from "./sqlite-db.js";
import { SqliteLlmCacheStore } from "./sqlite-llm-cache-store.js";
import { SqliteMemoryIndexStore } from "./sqlite-memory-index-store.js";
import { SqliteOpenIEStore } from "./sqlite-openie-store.js";
import { SqlitePassageStore } from "./sqlite-passage-store.js";
import { SqliteReportStore } from "./sqlite-report-store.js";
import { SqliteRunStore } from "./sqlite-run-store.js";
import { SqliteVectorStore } from "./sqlite-vector-store.js";
import { storageFailure } from "./storage-error.js";
import type { UnitOfWork } from "./unit-of-work.js";
import { makeFolder } from "../core/make-folder.js";

export const WORKSPACE_FILE = "hipporag.sqlite";
/** Held locked (an SQLite exclusive lock, i.e. an OS file lock) by the one writer. */
export const LOCK_FILE = "hipporag.lock";

export interface OpenOptions {
  readonly?: boolean;
  /** false: the workspace must exist already (commands that only read or extend one never create it). */
  create?: boolean;
}

/**
 * The SQLite workspace of one save dir, and the storage roles it implements (the default, and so
 * far the only, implementation of each). WAL mode so readers never block the writer; every unit of
 * work commits on its own, so an interrupted run loses at most the unit in flight.
 */
export class Workspace implements UnitOfWork, OpenIEResults {
  /** The connection, for src/store/ only: everything else goes through the roles (`sql-boundary.test.ts`). */
  readonly db: Db;
  readonly path: string;
  readonly saveDir: string;
  readonly passages: PassageStore;
  readonly llmCache: LlmCacheStore;
  readonly runs: RunStore;
  readonly reports: ReportStore;
  readonly indexes: MemoryIndexStore;
  /** The dense and sparse vectors kept in the workspace file (the default vector store). */
  readonly vectors: SqliteVectorStore;
  private lock?: Db;

  private constructor(saveDir: string, db: Db, path: string) {
    this.saveDir = saveDir;
    this.db = db;
    this.path = path;
    this.passages = new SqlitePassageStore(db);
    this.llmCache = new SqliteLlmCacheStore(db);
    this.runs = new SqliteRunStore(db);
    this.reports = new SqliteReportStore(db);
    this.indexes = new SqliteMemoryIndexStore(db);
    this.vectors = new SqliteVectorStore(db, path);
  }

  /**
   * The vector store the workspace's index was last built with (`--vector-store`, and its URL when
   * one was given), so that later commands that name none read the same vectors.
   */
  recordedVectorStore(): { kind: string; url?: string } | undefined {
    const row = this.db.prepare("SELECT value FROM meta WHERE key = 'vector_store'").get() as { value: string } | undefined;
    if (!row) return undefined;
    try {
      const value = JSON.parse(row.value) as { kind?: unknown; url?: unknown };
      return typeof value.kind === "string" ? { kind: value.kind, ...(typeof value.url === "string" ? { url: value.url } : {}) } : undefined;
    } catch {
      return undefined; // unreadable: as if none were recorded (the default store)
    }
  }

  recordVectorStore(store: { kind: string; url?: string }): void {
    this.db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('vector_store', ?)").run(JSON.stringify({ kind: store.kind, ...(store.url ? { url: store.url } : {}) }));
  }

  /**
   * True when the workspace at `saveDir` holds no work at all (no passage, OpenIE, vector, cached
   * reply, run, answer or report): what a command that created it and was then refused may remove.
   */
  static holdsNothing(saveDir: string): boolean {
    const path = join(saveDir, WORKSPACE_FILE);
    if (!existsSync(path)) return true;
    const db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      const tables = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name));
      return ["passages", "openie", "embeddings", "llm_cache", "retrievals", "answers", "reports", "index_passages"].every((table) => !tables.has(table) || db.prepare(`SELECT 1 FROM ${table} LIMIT 1`).get() === undefined);
    } finally {
      db.close();
    }
  }

  /** The OpenIE results of one OpenIE model. */
  openie(model: string): OpenIEStore {
    return new SqliteOpenIEStore(this.db, this.path, model);
  }

  /** The OpenIE models present, with their count of finished passages, by model name. */
  openieModels(): OpenIEModelCount[] {
    return SqliteOpenIEStore.models(this.db);
  }

  /**
   * One SQLite transaction, taken with BEGIN IMMEDIATE (the write lock up front, so it never fails
   * half-way for a lock); nested units become savepoints.
   */
  transaction<T>(work: () => T): T {
    return this.db.transaction(work).immediate();
  }

  static open(saveDir: string, options: OpenOptions = {}): Workspace {
    const path = join(saveDir, WORKSPACE_FILE);
    const mustExist = options.readonly || options.create === false;
    prepareFolder(saveDir, path, mustExist);
    let db: Db | undefined;
    try {
      db = new Database(path, { readonly: options.readonly ?? false, fileMustExist: mustExist });
      db.pragma("busy_timeout = 10000");
      if (!options.readonly) {
        db.pragma("journal_mode = WAL");
        db.pragma("synchronous = NORMAL");
      }
      db.pragma("foreign_keys = ON");
      migrate(db, path);
    } catch (error) {
      db?.close();
      if (HippoError.isInstance(error)) throw error;
      throw storageFailure(error, path) ?? new HippoError("WORKSPACE", `cannot open workspace ${path}: ${(error as Error).message}`, {
        cause: error,
        suggestion: "check that the file is a hipporag workspace",
      });
    }
    lastOpened = path;
    return new Workspace(saveDir, db, path);
  }

  /**
   * Takes the workspace's writer lock for this process: an exclusive lock on `hipporag.lock` held by
   * an SQLite connection in exclusive locking mode, so the operating system holds it and releases it
   * when the process ends, however it ends. It holds across hostnames and containers on one file
   * system, never goes stale and is never taken over. Who holds it is written beside it, for the
   * message a second writer gets.
   */
  acquireWriterLock(command: string): void {
    const busy = this.tryAcquireWriterLock(command);
    if (busy) throw new HippoError("WORKSPACE", busy, { suggestion: `wait for it to finish, or use another --save-dir for ${command}` });
  }

  /** acquireWriterLock, except that a lock another process holds is returned as what to tell the user (undefined: taken). */
  tryAcquireWriterLock(command: string): string | undefined {
    if (this.lock) return undefined;
    const lockPath = join(this.saveDir, LOCK_FILE);
    const lock = new Database(lockPath);
    try {
      lock.pragma("busy_timeout = 0");
      lock.pragma("locking_mode = EXCLUSIVE");
      // The first write in exclusive mode takes the exclusive lock, and it is kept until close.
      lock.exec("BEGIN IMMEDIATE; CREATE TABLE IF NOT EXISTS holder (at TEXT); DELETE FROM holder; INSERT INTO holder VALUES (datetime('now')); COMMIT;");
    } catch (error) {
      lock.close();
      if (String((error as { code?: unknown }).code).startsWith("SQLITE_BUSY")) {
        const holder = readHolder(lockPath);
        // The holder may be this very process (another HippoRag instance on the same folder).
        const who = holder && holder.pid === process.pid && holder.host === hostname() ? "another HippoRag instance of this process" : "another hipporag process";
        return `workspace ${this.path} is in use by ${who}${holder ? ` (pid ${holder.pid} on host ${holder.host}, ${holder.command}, since ${holder.since})` : ""}`;
      }
      throw storageFailure(error, lockPath) ?? error;
    }
    this.lock = lock;
    try {
      writeFileSync(`${lockPath}.json`, JSON.stringify({ pid: process.pid, host: hostname(), command, since: new Date().toISOString() }));
    } catch {
      /* only informs the message of a second writer */
    }
    return undefined;
  }

  /** Whether this process holds the writer lock through this workspace. */
  holdsWriterLock(): boolean {
    return this.lock !== undefined;
  }

  /** Gives the writer lock back (another process may then write); a no-op when not held. */
  releaseWriterLock(): void {
    if (this.lock?.open) this.lock.close();
    this.lock = undefined;
  }

  /** Whether close() was called. */
  get closed(): boolean {
    return !this.db.open;
  }

  close(): void {
    if (this.db.open) this.db.close();
    this.releaseWriterLock();
  }
}

function readHolder(lockPath: string): { pid: number; host: string; command: string; since: string } | undefined {
  try {
    return JSON.parse(readFileSync(`${lockPath}.json`, "utf8"));
  } catch {
    return undefined;
  }
}

let lastOpened: string | undefined;

/**
 * The workspace file this process opened last: what an SQLite error from a statement (which names
 * no file) was about, for the one line that says so (cli/handle-error.ts).
 */
export function lastOpenedWorkspace(): string | undefined {
  return lastOpened;
}

/** A command that needs an existing workspace found none; `suggestion` replaces the generic hint. */
export function noWorkspaceError(saveDir: string, suggestion = "check the save dir; hipporag index (or run) creates the workspace"): HippoError {
  return new HippoError("INPUT", `no hipporag workspace in ${saveDir} (${WORKSPACE_FILE} not found)`, { suggestion });
}

/** The save dir must be a folder (created when allowed); errors name it and say what is wrong, before any work. */
function prepareFolder(saveDir: string, path: string, mustExist: boolean): void {
  if (existsSync(saveDir) && !statSync(saveDir).isDirectory()) {
    throw new HippoError("INPUT", `the workspace folder ${saveDir} is a file, not a folder`, { suggestion: "give a folder (it is created if missing)" });
  }
  if (mustExist) {
    if (!existsSync(path)) {
      throw noWorkspaceError(saveDir);
    }
    return;
  }
  try {
    makeFolder(saveDir);
  } catch (error) {
    // Not writable (read-only file system, permissions) is the workspace's failure (exit 4), as for
    // an existing workspace; a path that cannot be a folder is the input's (exit 2).
    const code = (error as NodeJS.ErrnoException).code;
    throw storageFailure(error, saveDir) ?? new HippoError("INPUT", `cannot create the workspace folder ${saveDir} (${code ?? (error as Error).message})`, { suggestion: "check the path" });
  }
}

/**
 * Told before the migrations of an existing, older workspace run (not a new one's tables), with
 * what they upgrade; what it returns runs after them. The upgrade is one synchronous transaction
 * (minutes for a large workspace: migration 6 copies every vector), so the event loop cannot take a
 * signal meanwhile; the CLI says so and lets Ctrl-C end the process at once instead, which leaves
 * the workspace as it was (the transaction is never committed).
 */
export type UpgradeHook = (upgrade: { path: string; from: number; to: number }) => () => void;
let upgradeHook: UpgradeHook | undefined;

/** Sets (or, with undefined, clears) the hook told of every upgrade in this process. */
export function onWorkspaceUpgrade(hook: UpgradeHook | undefined): void {
  upgradeHook = hook;
}

/**
 * Applies missing migrations. The version is read again inside the write transaction, so processes
 * opening a new workspace at the same moment apply each migration once (the others wait, then find
 * it done).
 */
function migrate(db: Db, path: string): void {
  const version = () => {
    const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
    return hasMeta ? Number((db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | undefined)?.value ?? 0) : 0;
  };
  const check = (current: number) => {
    if (current > MIGRATIONS.length) {
      throw new HippoError("WORKSPACE", `workspace ${path} has schema version ${current}, newer than this hipporag understands (${MIGRATIONS.length})`, {
        suggestion: "Upgrade hipporag, or use another --save-dir",
      });
    }
  };
  const current = version();
  check(current);
  if (current === MIGRATIONS.length) return;
  if (db.readonly) {
    throw new HippoError("WORKSPACE", `workspace ${path} was written by an older hipporag (schema version ${current} of ${MIGRATIONS.length}) and must be upgraded in place, which a read-only open cannot do`, {
      suggestion: `run any command that writes to it once, e.g. hipporag eval --dataset NAME --save-dir ${dirname(path)} (the upgrade keeps every result), then this one`,
    });
  }
  // What migrations compute in SQL that SQLite lacks (migration 7 hashes stored triples).
  db.function("hipporag_md5", { deterministic: true }, (text) => md5Hex(String(text)));
  const after = current > 0 ? upgradeHook?.({ path, from: current, to: MIGRATIONS.length }) : undefined;
  try {
    db.transaction(() => {
      const now = version();
      check(now);
      for (let v = now; v < MIGRATIONS.length; v++) {
        db.exec(MIGRATIONS[v]!);
        db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)").run(String(v + 1));
      }
    }).immediate();
  } finally {
    after?.();
  }
}
