import { existsSync, readFileSync } from "node:fs";
import { writeOutputFile } from "../core/write-output-file.js";
import { join } from "node:path";
import type { Workspace } from "../store/workspace.js";
import { markdownTable } from "./format-eval-report.js";
import { escapeHtml, htmlPage } from "./html.js";
import { makeFolder } from "../core/make-folder.js";

export interface WrittenReport {
  /** The report's row in the workspace (none for a report written without one). */
  id?: number;
  jsonPath: string;
  markdownPath: string;
  htmlPath?: string;
  /** The workspace's report index (HTML), rewritten with every report. */
  indexPath: string;
}

export interface ReportToWrite {
  /** "run", "eval", "compare". */
  kind: string;
  dataset: string;
  /** What the report is about within the dataset: the run label, "all", "predictions-<file>", "A-vs-B". */
  label: string;
  /** The run labels it shows, for the index. */
  runs: readonly string[];
  body: unknown;
  markdown: string;
  html?: string;
}

/** One line of `reports/index.json`: a report's files and what they are about. */
export interface ReportIndexEntry {
  name: string;
  kind: string;
  dataset: string;
  runs: string[];
  createdAt: string;
  files: string[];
}

/**
 * The file name of a report: kind, dataset and label, so a run with other settings (another label)
 * or another dataset in the same workspace writes its own files instead of replacing these.
 */
export function reportName(kind: string, dataset: string, label: string): string {
  return `${kind}-${dataset}-${label}`.replace(/[^A-Za-z0-9._-]+/g, "_");
}

/**
 * Stores a report in the workspace and writes it as JSON + Markdown (+ HTML) under `<saveDir>/reports/`,
 * then rewrites the index page that links every report there.
 */
export function writeReport(workspace: Workspace, report: ReportToWrite): WrittenReport {
  const createdAt = new Date().toISOString();
  const name = reportName(report.kind, report.dataset, report.label);
  const json = JSON.stringify(report.body, null, 2);
  const id = workspace.reports.add({ createdAt, kind: report.kind, name, body: json });
  return { ...writeReportFiles(workspace.saveDir, report, createdAt), id };
}

/** The report's files under `<saveDir>/reports/` (JSON, Markdown, HTML) and the index, with no workspace needed. */
export function writeReportFiles(saveDir: string, report: ReportToWrite, createdAt = new Date().toISOString()): WrittenReport {
  const name = reportName(report.kind, report.dataset, report.label);
  const json = JSON.stringify(report.body, null, 2);
  const dir = join(saveDir, "reports");
  makeFolder(dir);
  const base = join(dir, name);
  writeOutputFile(`${base}.json`, `${json}\n`);
  writeOutputFile(`${base}.md`, report.markdown);
  const files = [`${name}.json`, `${name}.md`];
  let htmlPath: string | undefined;
  if (report.html) {
    htmlPath = `${base}.html`;
    writeOutputFile(htmlPath, report.html);
    files.push(`${name}.html`);
  }
  const indexPath = updateIndex(dir, { name, kind: report.kind, dataset: report.dataset, runs: [...report.runs], createdAt, files });
  return { jsonPath: `${base}.json`, markdownPath: `${base}.md`, htmlPath, indexPath };
}

const INDEX_JSON = "index.json";

/** Replaces the entry of the same name in `index.json` and renders index.html and index.md from it, newest first. */
export function updateIndex(dir: string, entry: ReportIndexEntry): string {
  const entries = readIndex(dir).filter((e) => e.name !== entry.name);
  entries.push(entry);
  // files removed by hand drop out of the index
  const present = entries.filter((e) => e.files.some((f) => existsSync(join(dir, f)))).sort((x, y) => y.createdAt.localeCompare(x.createdAt));
  writeOutputFile(join(dir, INDEX_JSON), `${JSON.stringify(present, null, 2)}\n`);
  const header = ["date (UTC)", "dataset", "kind", "runs", "files"];
  const date = (e: ReportIndexEntry) => e.createdAt.slice(0, 19).replace("T", " ");
  writeOutputFile(
    join(dir, "index.md"),
    ["# Reports", "", ...markdownTable(header, present.map((e) => [date(e), e.dataset, e.kind, e.runs.join(", "), e.files.map((f) => `[${f.slice(f.lastIndexOf(".") + 1)}](${f})`).join(" ")]), true), ""].join("\n"),
  );
  const rows = present.map((e) =>
    `<tr><td>${date(e)}</td><td>${escapeHtml(e.dataset)}</td><td>${escapeHtml(e.kind)}</td><td>${escapeHtml(e.runs.join(", "))}</td><td>${e.files.map((f) => `<a href="${encodeURI(f)}">${escapeHtml(f.slice(f.lastIndexOf(".") + 1))}</a>`).join(" ")}</td></tr>`,
  );
  const indexPath = join(dir, "index.html");
  writeOutputFile(indexPath, htmlPage("Reports", `<table><tr>${header.map((h) => `<th>${h}</th>`).join("")}</tr>${rows.join("")}</table>`));
  return indexPath;
}

/** The index so far; an unreadable one (edited by hand) is rebuilt from the next report on. */
export function readIndex(dir: string): ReportIndexEntry[] {
  try {
    const data = JSON.parse(readFileSync(join(dir, INDEX_JSON), "utf8")) as unknown;
    return Array.isArray(data) ? (data.filter((e) => typeof e?.name === "string" && Array.isArray(e.files)) as ReportIndexEntry[]) : [];
  } catch {
    return [];
  }
}
