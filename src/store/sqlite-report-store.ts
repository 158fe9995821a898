import type { ReportStore, StoredReport } from "./report-store.js";
import type { Db } from "./sqlite-db.js";

/** Reports in the workspace's `reports` table (AUTOINCREMENT ids, so an id is never reused). */
export class SqliteReportStore implements ReportStore {
  constructor(private readonly db: Db) {}

  add(report: Omit<StoredReport, "id">): number {
    const info = this.db.prepare("INSERT INTO reports (created_at, kind, name, body) VALUES (?, ?, ?, ?)").run(report.createdAt, report.kind, report.name, report.body);
    return Number(info.lastInsertRowid);
  }

  newestFirst(): Iterable<StoredReport> {
    return this.db.prepare("SELECT id, created_at AS createdAt, kind, name, body FROM reports ORDER BY id DESC").iterate() as Iterable<StoredReport>;
  }
}
