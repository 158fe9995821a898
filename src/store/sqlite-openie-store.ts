import { md5Hex } from "../core/ids.js";
import type { OpenIEModelCount, OpenIERecord, OpenIEStatus, OpenIEStore } from "./openie-store.js";
import type { Db } from "./sqlite-db.js";

interface Row {
  passage_id: string;
  status: OpenIEStatus;
  entities: string | null;
  triples: string | null;
  error: string | null;
  failed_stage: "ner" | "triples" | null;
  attempts: number;
  source: string;
}

/** OpenIE results in the workspace's `openie` table, one row per (model, passage). */
export class SqliteOpenIEStore implements OpenIEStore {
  constructor(
    private readonly db: Db,
    readonly location: string,
    readonly model: string,
  ) {}

  get(passageId: string): OpenIERecord | undefined {
    const row = this.db.prepare("SELECT * FROM openie WHERE model = ? AND passage_id = ?").get(this.model, passageId) as Row | undefined;
    return row && toRecord(row);
  }

  all(): Map<string, OpenIERecord> {
    const rows = this.db.prepare("SELECT * FROM openie WHERE model = ?").all(this.model) as Row[];
    return new Map(rows.map((row) => [row.passage_id, toRecord(row)]));
  }

  doneTriples(): Map<string, { triples: unknown[][]; hash: string }> {
    const rows = this.db.prepare("SELECT passage_id, triples, triples_hash FROM openie WHERE model = ? AND status = 'done'").raw().all(this.model) as [string, string | null, string][];
    return new Map(rows.map(([id, triples, hash]) => [id, { triples: triples ? (JSON.parse(triples) as unknown[][]) : [], hash }]));
  }

  doneTriplesHashes(): Map<string, string> {
    // Stored at write time (migration 7): no triples text is read or hashed here.
    return new Map(this.db.prepare("SELECT passage_id, triples_hash FROM openie WHERE model = ? AND status = 'done'").raw().all(this.model) as [string, string][]);
  }

  statuses(): Map<string, OpenIEStatus> {
    const rows = this.db.prepare("SELECT passage_id, status FROM openie WHERE model = ?").raw().all(this.model) as [string, OpenIEStatus][];
    return new Map(rows);
  }

  saveNer(passageId: string, entities: readonly string[], source: string): void {
    this.write(passageId, "ner", JSON.stringify(entities), null, null, null, source, false);
  }

  saveDone(passageId: string, entities: readonly string[], triples: readonly unknown[][], source: string): void {
    this.write(passageId, "done", JSON.stringify(entities), JSON.stringify(triples), null, null, source, false);
  }

  saveFailure(passageId: string, stage: "ner" | "triples", error: string, source: string, entities?: readonly string[]): void {
    this.write(passageId, "failed", entities ? JSON.stringify(entities) : null, null, error, stage, source, true);
  }

  saveMany(records: readonly { passageId: string; entities: readonly string[]; triples: readonly unknown[][] }[], source: string): void {
    this.db.transaction(() => {
      for (const r of records) this.saveDone(r.passageId, r.entities, r.triples, source);
    }).immediate();
  }

  /** Every model's count of finished passages, by model name. */
  static models(db: Db): OpenIEModelCount[] {
    return db.prepare("SELECT model, SUM(status = 'done') AS done FROM openie GROUP BY model ORDER BY model").all() as OpenIEModelCount[];
  }

  private write(
    passageId: string,
    status: OpenIEStatus,
    entities: string | null,
    triples: string | null,
    error: string | null,
    failedStage: string | null,
    source: string,
    countAttempt: boolean,
  ): void {
    this.db
      .prepare(
        `INSERT INTO openie (model, passage_id, status, entities, triples, triples_hash, error, failed_stage, attempts, source, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (model, passage_id) DO UPDATE SET status = excluded.status, entities = excluded.entities,
           triples = excluded.triples, triples_hash = excluded.triples_hash, error = excluded.error, failed_stage = excluded.failed_stage,
           attempts = openie.attempts + excluded.attempts, source = excluded.source, updated_at = excluded.updated_at`,
      )
      .run(this.model, passageId, status, entities, triples, status === "done" ? md5Hex(triples ?? "[]") : null, error, failedStage, countAttempt ? 1 : 0, source, new Date().toISOString());
  }
}

function toRecord(row: Row): OpenIERecord {
  return {
    passageId: row.passage_id,
    status: row.status,
    entities: row.entities === null ? undefined : (JSON.parse(row.entities) as string[]),
    triples: row.triples === null ? undefined : (JSON.parse(row.triples) as unknown[][]),
    error: row.error ?? undefined,
    failedStage: row.failed_stage ?? undefined,
    attempts: row.attempts,
    source: row.source,
  };
}
