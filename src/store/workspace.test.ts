import Database from "better-sqlite3";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../test-support/cli-harness.js";
import { md5Hex } from "../core/ids.js";
import { MIGRATIONS } from "./migrations.js";
import { Workspace, WORKSPACE_FILE } from "./workspace.js";

/** A workspace as an older hipporag left it: only the first `version` migrations applied. */
function oldWorkspace(version: number): string {
  const dir = tempDir();
  const db = new Database(join(dir, WORKSPACE_FILE));
  for (let v = 0; v < version; v++) db.exec(MIGRATIONS[v]!);
  db.prepare("INSERT INTO meta (key, value) VALUES ('schema_version', ?)").run(String(version));
  db.prepare("INSERT INTO embeddings (encoder, hash, dim, dtype, vector) VALUES ('e', 'h', 2, 'f32', ?)").run(Buffer.alloc(8));
  db.close();
  return dir;
}

describe("workspace migrations", () => {
  it("upgrade a version-1 workspace in place, keeping its data; counting an encoder's rows uses the new index", () => {
    const workspace = Workspace.open(oldWorkspace(1));
    expect(workspace.db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get()).toBe(String(MIGRATIONS.length));
    expect(workspace.db.prepare("SELECT COUNT(*) FROM embeddings WHERE encoder = 'e'").pluck().get()).toBe(1);
    const plan = workspace.db.prepare("EXPLAIN QUERY PLAN SELECT COUNT(*) FROM embeddings WHERE encoder = ?").all("e") as { detail: string }[];
    expect(plan.map((row) => row.detail).join(" ")).toMatch(/COVERING INDEX embeddings_by_encoder/);
    workspace.close();
  });

  it("keep vectors in a rowid table (appended, not inserted at random into a B-tree of inline blobs); a version-5 workspace's vectors survive bit for bit", () => {
    const dir = oldWorkspace(5);
    const before = new Database(join(dir, WORKSPACE_FILE));
    const insert = before.prepare("INSERT INTO embeddings (encoder, hash, dim, dtype, vector) VALUES (?, ?, ?, ?, ?)");
    const rows = Array.from({ length: 50 }, (_, i) => ["space", `h${(i * 7919) % 50}`, 4, i % 2 ? "f16" : "f32", Buffer.from(Array.from({ length: i % 2 ? 8 : 16 }, (_, b) => (b * 31 + i) % 256))] as const);
    for (const row of rows) insert.run(...row);
    before.close();
    const workspace = Workspace.open(dir);
    const sql = workspace.db.prepare("SELECT sql FROM sqlite_master WHERE name = 'embeddings'").pluck().get() as string;
    expect(sql).not.toMatch(/WITHOUT ROWID/i);
    const stored = workspace.db.prepare("SELECT encoder, hash, dim, dtype, vector FROM embeddings WHERE encoder = 'space' ORDER BY hash").raw().all();
    expect(stored).toEqual(rows.map((row) => [...row]).sort((a, b) => String(a[1]).localeCompare(String(b[1]))));
    expect(workspace.db.prepare("SELECT COUNT(*) FROM embeddings WHERE encoder = 'e'").pluck().get()).toBe(1);
    // A whole space is read in rowid (insertion) order through the encoder index: sequential pages.
    const plan = workspace.db.prepare("EXPLAIN QUERY PLAN SELECT hash, dim, dtype, vector FROM embeddings INDEXED BY embeddings_by_encoder WHERE encoder = ?").all("space") as { detail: string }[];
    expect(plan.map((row) => row.detail).join(" ")).toMatch(/USING INDEX embeddings_by_encoder/);
    // (encoder, hash) stays unique: a second vector for a key replaces the first.
    workspace.db.prepare("INSERT OR REPLACE INTO embeddings (encoder, hash, dim, dtype, vector) VALUES ('space', 'h1', 4, 'f32', ?)").run(Buffer.alloc(16));
    expect(workspace.db.prepare("SELECT COUNT(*) FROM embeddings WHERE encoder = 'space'").pluck().get()).toBe(50);
    workspace.close();
  });

  it("store each finished passage's triples hash beside its triples, so checking an index's freshness reads no triples; older rows are hashed by the migration", () => {
    const dir = oldWorkspace(6);
    const before = new Database(join(dir, WORKSPACE_FILE));
    const insert = before.prepare("INSERT INTO openie (model, passage_id, status, entities, triples, source, updated_at) VALUES ('m', ?, ?, '[]', ?, 'test', 'now')");
    insert.run("done-1", "done", JSON.stringify([["Ünïcode", "is", "kept"]]));
    insert.run("done-empty", "done", null);
    insert.run("ner", "ner", null);
    before.close();
    const workspace = Workspace.open(dir);
    const stored = new Map(workspace.db.prepare("SELECT passage_id, triples_hash FROM openie").raw().all() as [string, string | null][]);
    expect(stored).toEqual(new Map([["done-1", md5Hex(JSON.stringify([["Ünïcode", "is", "kept"]]))], ["done-empty", md5Hex("[]")], ["ner", null]]));
    const openie = workspace.openie("m");
    openie.saveDone("new", ["a"], [["a", "b", "c"]], "test");
    openie.saveFailure("done-1", "triples", "boom", "test");
    expect(openie.doneTriplesHashes()).toEqual(new Map([["done-empty", md5Hex("[]")], ["new", md5Hex(JSON.stringify([["a", "b", "c"]]))]]));
    // The hashes are read from their column, not recomputed from the triples.
    workspace.db.prepare("UPDATE openie SET triples_hash = 'stored' WHERE passage_id = 'new'").run();
    expect(openie.doneTriplesHashes().get("new")).toBe("stored");
    expect(openie.doneTriples().get("new")!.hash).toBe("stored");
    workspace.close();
  });

  it("a read-only open of an older workspace says it must be upgraded, and by which command", () => {
    const dir = oldWorkspace(5);
    expect(() => Workspace.open(dir, { readonly: true })).toThrow(new RegExp(`written by an older hipporag \\(schema version 5 of ${MIGRATIONS.length}\\) and must be upgraded in place`));
    try {
      Workspace.open(dir, { readonly: true });
    } catch (error) {
      expect((error as { suggestion?: string }).suggestion).toMatch(/hipporag eval --dataset NAME --save-dir /);
    }
    Workspace.open(dir).close(); // a read-write open upgrades it; read-only opens work afterwards
    Workspace.open(dir, { readonly: true }).close();
  });

  it("refuse a workspace from a newer hipporag, naming both versions", () => {
    const dir = oldWorkspace(1);
    const db = new Database(join(dir, WORKSPACE_FILE));
    db.prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'").run(String(MIGRATIONS.length + 1));
    db.close();
    expect(() => Workspace.open(dir)).toThrow(new RegExp(`schema version ${MIGRATIONS.length + 1}, newer than this hipporag understands \\(${MIGRATIONS.length}\\)`));
  });
});
