/** A report as stored: what it is (kind, file name) and its JSON body. */
export interface StoredReport {
  id: number;
  createdAt: string;
  kind: string;
  name: string;
  body: string;
}

/** Every report written in a workspace (`run`, `eval`, `compare` …), kept in the order written. */
export interface ReportStore {
  /** Stores a report and returns its id: larger than the id of every report stored before. */
  add(report: Omit<StoredReport, "id">): number;
  /** Reports from the newest to the oldest, read as iterated (callers often stop at the first match). */
  newestFirst(): Iterable<StoredReport>;
}
