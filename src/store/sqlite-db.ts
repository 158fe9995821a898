import type Database from "better-sqlite3";

/** The workspace's SQLite connection. Only src/store/ holds one (`sql-boundary.test.ts` checks). */
export type Db = Database.Database;
