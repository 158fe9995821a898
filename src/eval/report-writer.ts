import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Workspace } from "../store/workspace.js";

export interface WrittenReport {
  /** The report's row in the workspace (none for a report written without one). */
  id?: number;
  jsonPath: string;
  markdownPath: string;
  htmlPath?: string;
}

/** Stores a report in the workspace and writes it as JSON + Markdown (+ HTML) under `<saveDir>/reports/`. */
export function writeReport(
  workspace: Workspace,
  report: { kind: string; name: string; body: unknown; markdown: string; html?: string },
): WrittenReport {
  const createdAt = new Date().toISOString();
  const json = JSON.stringify(report.body, null, 2);
  const info = workspace.db
    .prepare("INSERT INTO reports (created_at, kind, name, body) VALUES (?, ?, ?, ?)")
    .run(createdAt, report.kind, report.name, json);
  return { ...writeReportFiles(workspace.saveDir, report), id: Number(info.lastInsertRowid) };
}

/** The report's files under `<saveDir>/reports/` (JSON, Markdown, HTML), with no workspace needed. */
export function writeReportFiles(saveDir: string, report: { name: string; body: unknown; markdown: string; html?: string }): WrittenReport {
  const json = JSON.stringify(report.body, null, 2);
  const dir = join(saveDir, "reports");
  mkdirSync(dir, { recursive: true });
  const base = join(dir, report.name);
  writeFileSync(`${base}.json`, `${json}\n`);
  writeFileSync(`${base}.md`, report.markdown);
  let htmlPath: string | undefined;
  if (report.html) {
    htmlPath = `${base}.html`;
    writeFileSync(htmlPath, report.html);
  }
  return { jsonPath: `${base}.json`, markdownPath: `${base}.md`, htmlPath };
}
