import { md5Hex } from "../core/ids.js";
import type { Workspace } from "../store/workspace.js";

export type OpenIEStatus = "ner" | "done" | "failed";

export interface OpenIERecord {
  passageId: string;
  status: OpenIEStatus;
  /** Raw NER strings (unique); present once NER succeeded. */
  entities?: string[];
  /** Raw triples as extracted or imported (imports may hold wrong-arity triples; indexing filters them). */
  triples?: unknown[][];
  error?: string;
  failedStage?: "ner" | "triples";
  attempts: number;
  source: string;
}

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

/** OpenIE results per (model, passage) in the workspace. Each write is its own transaction. */
export class OpenIEStore {
  constructor(
    private readonly workspace: Workspace,
    readonly model: string,
  ) {}

  /** The workspace file, for messages. */
  get path(): string {
    return this.workspace.path;
  }

  get(passageId: string): OpenIERecord | undefined {
    const row = this.workspace.db.prepare("SELECT * FROM openie WHERE model = ? AND passage_id = ?").get(this.model, passageId) as Row | undefined;
    return row && toRecord(row);
  }

  /** All records of this model, keyed by passage id. */
  all(): Map<string, OpenIERecord> {
    const rows = this.workspace.db.prepare("SELECT * FROM openie WHERE model = ?").all(this.model) as Row[];
    return new Map(rows.map((row) => [row.passage_id, toRecord(row)]));
  }

  /**
   * The triples of every finished record (what building the graph reads: no other column parsed),
   * with the md5 of their stored JSON: what an index records to know its input has not changed.
   */
  doneTriples(): Map<string, { triples: unknown[][]; hash: string }> {
    const rows = this.workspace.db.prepare("SELECT passage_id, triples FROM openie WHERE model = ? AND status = 'done'").raw().all(this.model) as [string, string | null][];
    return new Map(rows.map(([id, triples]) => [id, { triples: triples ? (JSON.parse(triples) as unknown[][]) : [], hash: md5Hex(triples ?? "[]") }]));
  }

  /** Status of every record of this model (no JSON parsing: what completeness checks need). */
  statuses(): Map<string, OpenIEStatus> {
    const rows = this.workspace.db.prepare("SELECT passage_id, status FROM openie WHERE model = ?").raw().all(this.model) as [string, OpenIEStatus][];
    return new Map(rows);
  }

  saveNer(passageId: string, entities: readonly string[], source: string): void {
    this.write(passageId, "ner", JSON.stringify(entities), null, null, null, source, false);
  }

  saveDone(passageId: string, entities: readonly string[], triples: readonly unknown[][], source: string): void {
    this.write(passageId, "done", JSON.stringify(entities), JSON.stringify(triples), null, null, source, false);
  }

  /** Records a failure with its reason; NER results already obtained are kept so a retry redoes only triples. */
  saveFailure(passageId: string, stage: "ner" | "triples", error: string, source: string, entities?: readonly string[]): void {
    this.write(passageId, "failed", entities ? JSON.stringify(entities) : null, null, error, stage, source, true);
  }

  saveMany(records: readonly { passageId: string; entities: readonly string[]; triples: readonly unknown[][] }[], source: string): void {
    this.workspace.db.transaction(() => {
      for (const r of records) this.saveDone(r.passageId, r.entities, r.triples, source);
    }).immediate();
  }

  /** Runs `work` in one workspace transaction (all or nothing). */
  transaction<T>(work: () => T): T {
    return this.workspace.db.transaction(work).immediate();
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
    this.workspace.db
      .prepare(
        `INSERT INTO openie (model, passage_id, status, entities, triples, error, failed_stage, attempts, source, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (model, passage_id) DO UPDATE SET status = excluded.status, entities = excluded.entities,
           triples = excluded.triples, error = excluded.error, failed_stage = excluded.failed_stage,
           attempts = openie.attempts + excluded.attempts, source = excluded.source, updated_at = excluded.updated_at`,
      )
      .run(this.model, passageId, status, entities, triples, error, failedStage, countAttempt ? 1 : 0, source, new Date().toISOString());
  }
}

/** OpenIE models present in the workspace, with their count of finished passages. */
export function openieModels(workspace: Workspace): { model: string; done: number }[] {
  return workspace.db
    .prepare("SELECT model, SUM(status = 'done') AS done FROM openie GROUP BY model ORDER BY model")
    .all() as { model: string; done: number }[];
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
