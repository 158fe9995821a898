import Database from "better-sqlite3";

/**
 * The same bytes as one SQLite blob in a file of its own: what keeping the index snapshot inside
 * the workspace would cost to read (scripts/bench-retrieve.ts measures it beside the snapshot file;
 * SQLite also caps a blob at 1 GB). Not used by hipporag itself.
 */
export function writeBlobProbe(path: string, bytes: Uint8Array): void {
  const db = new Database(path);
  try {
    db.exec("CREATE TABLE IF NOT EXISTS blob (data BLOB); DELETE FROM blob;");
    db.prepare("INSERT INTO blob VALUES (?)").run(bytes);
  } finally {
    db.close();
  }
}

/** Reads the blob back in one statement; returns its length. */
export function readBlobProbe(path: string): number {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare("SELECT data FROM blob").pluck().get() as Buffer).length;
  } finally {
    db.close();
  }
}
