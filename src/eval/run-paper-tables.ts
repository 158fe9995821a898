import { existsSync } from "node:fs";
import { basename, resolve } from "node:path";
import { usageError } from "../core/errors.js";
import { loadDataset } from "../datasets/load-dataset.js";
import { Workspace, WORKSPACE_FILE } from "../store/workspace.js";
import type { BootstrapOptions } from "./bootstrap-means.js";
import { markdownTable } from "./format-eval-report.js";
import { escapeHtml, htmlList, htmlPage, htmlTable } from "./html.js";
import { paperTables, type DatasetRuns, type PaperTable } from "./paper-tables.js";
import { DEFAULT_BOOTSTRAP, scoreStoredRuns, withIntervals } from "./run-eval.js";

export interface PaperTablesOptions {
  saveDirs: readonly string[];
  /** Dataset per workspace, in the same order; by default the dataset of the workspace's latest report, else the folder name. */
  datasets?: readonly string[];
  datasetDir: string;
  bootstrap?: BootstrapOptions;
}

export interface PaperTablesResult {
  bootstrap: BootstrapOptions;
  datasets: DatasetRuns[];
  tables: PaperTable[];
}

/** `hipporag report`: scores every stored run of several workspaces and lays them out like the paper's tables. */
export function runPaperTables(options: PaperTablesOptions): PaperTablesResult {
  const bootstrap = options.bootstrap ?? DEFAULT_BOOTSTRAP;
  if (options.saveDirs.length === 0) throw usageError("hipporag report needs at least one workspace", "e.g. hipporag report outputs/musique outputs/2wikimultihopqa (or --save-dir DIR, repeated)");
  if (options.datasets?.length && options.datasets.length !== options.saveDirs.length) {
    throw usageError(`--dataset was given ${options.datasets.length} times for ${options.saveDirs.length} workspaces`, "give one --dataset per workspace, in the same order, or none to read each workspace's own");
  }
  const datasets = options.saveDirs.map((saveDir, i) => {
    if (!existsSync(resolve(saveDir, WORKSPACE_FILE))) throw usageError(`no workspace at ${saveDir} (no ${WORKSPACE_FILE})`, "pass the --save-dir of a hipporag run");
    const workspace = Workspace.open(saveDir, { readonly: true });
    try {
      const name = options.datasets?.[i] ?? datasetOf(workspace) ?? basename(resolve(saveDir));
      const dataset = loadDataset(name, options.datasetDir, { requireQuestions: true });
      // a workspace may also hold runs on another dataset: those share no question with this one
      const runs = scoreStoredRuns(workspace, dataset.questions).filter((run) => run.scores.count > 0);
      return { dataset: name, saveDir, reports: runs.map((run) => withIntervals(run, bootstrap)) };
    } finally {
      workspace.close();
    }
  });
  return { bootstrap, datasets, tables: paperTables(datasets) };
}

/** The dataset named by the workspace's latest report (run and eval reports all record it). */
function datasetOf(workspace: Workspace): string | undefined {
  for (const { body } of workspace.reports.newestFirst()) {
    try {
      const dataset = (JSON.parse(body) as { dataset?: unknown }).dataset;
      if (typeof dataset === "string") return dataset;
    } catch {
      // a report body that is not JSON says nothing about the dataset; look at older ones
    }
  }
  return undefined;
}

export function paperTablesMarkdown(tables: readonly PaperTable[]): string {
  const lines = ["# Stored runs beside the paper (HippoRAG 2, arXiv 2502.14802)", ""];
  for (const table of tables) lines.push(`## ${table.title}`, "", ...markdownTable(table.header, table.body), "", ...table.notes.map((n) => `- ${n}`), "");
  return lines.join("\n");
}

export function paperTablesHtml(tables: readonly PaperTable[]): string {
  return htmlPage(
    "Stored runs beside the paper (HippoRAG 2, arXiv 2502.14802)",
    tables.map((t) => `<h2>${escapeHtml(t.title)}</h2>${htmlTable(t.header, t.body)}${htmlList(t.notes)}`).join("\n"),
  );
}
