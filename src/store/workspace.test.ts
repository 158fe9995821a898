import Database from "better-sqlite3";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../test-support/cli-harness.js";
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

  it("refuse a workspace from a newer hipporag, naming both versions", () => {
    const dir = oldWorkspace(1);
    const db = new Database(join(dir, WORKSPACE_FILE));
    db.prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'").run(String(MIGRATIONS.length + 1));
    db.close();
    expect(() => Workspace.open(dir)).toThrow(new RegExp(`schema version ${MIGRATIONS.length + 1}, newer than this hipporag understands \\(${MIGRATIONS.length}\\)`));
  });
});
