import { existsSync, statSync } from "node:fs";
import { basename, resolve } from "node:path";
import { HippoError, usageError } from "../core/errors.js";
import type { DatasetSource } from "../datasets/dataset-source.js";
import { DEFAULT_DATASET_DIR, datasetNameFromCorpus, datasetPaths, loadDataset } from "../datasets/load-dataset.js";
import { Workspace, WORKSPACE_FILE } from "../store/workspace.js";
import type { BootstrapOptions } from "./bootstrap-means.js";
import { markdownTable } from "./format-eval-report.js";
import { escapeHtml, htmlList, htmlPage, htmlTable } from "./html.js";
import { allNotes, paperTables, type DatasetRuns, type PaperTable } from "./paper-tables.js";
import { DEFAULT_BOOTSTRAP, evalCorpus, scoreStoredRuns, withIntervals } from "./run-eval.js";

export interface PaperTablesOptions {
  saveDirs: readonly string[];
  /** Dataset per workspace, in the same order; by default the dataset of the workspace's latest report, else the folder name. */
  datasets?: readonly string[];
  /** The folder of every workspace's named dataset; by default the one its run or eval read it from. */
  datasetDir?: string;
  /** The corpus each workspace was built from (`--corpus`, in the same order), for workspaces not built from a named dataset. */
  corpus?: readonly string[];
  /** The questions file of each workspace (`--questions`, in the same order). */
  questions?: readonly string[];
  bootstrap?: BootstrapOptions;
}

export interface PaperTablesResult {
  bootstrap: BootstrapOptions;
  datasets: DatasetRuns[];
  tables: PaperTable[];
  /** Paths given that hold no workspace and were left out (what `outputs/*` brings besides workspaces). */
  skipped: string[];
  /** Workspaces left out because their dataset is not in the --dataset-dir given, each with why. */
  missingDataset?: string[];
}

/** `hipporag report`: scores every stored run of several workspaces and lays them out like the paper's tables. */
export function runPaperTables(options: PaperTablesOptions): PaperTablesResult {
  const bootstrap = options.bootstrap ?? DEFAULT_BOOTSTRAP;
  if (options.saveDirs.length === 0) throw usageError("hipporag report needs at least one workspace", "e.g. hipporag report outputs/musique outputs/2wikimultihopqa (or --save-dir DIR, repeated)");
  const perWorkspace = (flag: string, values: readonly string[] | undefined, none: string) => {
    const n = options.saveDirs.length;
    if (values?.length && values.length !== n) {
      throw usageError(`${flag} was given ${values.length === 1 ? "once" : `${values.length} times`} for ${n} workspace${n === 1 ? "" : "s"}`, `give one ${flag} per workspace, in the same order, or none to ${none}`);
    }
  };
  perWorkspace("--dataset", options.datasets, "read each workspace's own");
  perWorkspace("--corpus", options.corpus, "use each workspace's dataset");
  perWorkspace("--questions", options.questions, "use each dataset's own");
  // `report outputs/*` also brings what is not a workspace (a README, a logs folder): skipped and
  // said, unless values were given per path (skipping would shift them onto the wrong workspace)
  // or nothing would be left. A path that does not exist never came from a glob: refused.
  const aligned = [options.datasets, options.corpus, options.questions].some((values) => values?.length);
  const notWorkspace = (saveDir: string) => (!existsSync(resolve(saveDir, WORKSPACE_FILE)) ? refusal(saveDir) : undefined);
  const skipped = options.saveDirs.filter((saveDir) => existsSync(saveDir) && notWorkspace(saveDir));
  const saveDirs = aligned || skipped.length === options.saveDirs.length ? options.saveDirs : options.saveDirs.filter((saveDir) => !skipped.includes(saveDir));
  // With one --dataset-dir for all, a workspace whose dataset is not in it (the demo's, beside the
  // paper's) is left out with a note rather than failing the whole report, unless nothing is left.
  const missingDataset: string[] = [];
  const loaded = saveDirs.map((saveDir, i) => {
    const refused = notWorkspace(saveDir);
    if (refused) throw usageError(refused, "pass the --save-dir of a hipporag run");
    const workspace = Workspace.open(saveDir, { readonly: true });
    try {
      const recorded = datasetOf(workspace);
      const corpus = options.corpus?.[i];
      const name = options.datasets?.[i] ?? recorded?.dataset ?? (corpus ? datasetNameFromCorpus(corpus) : basename(resolve(saveDir)));
      // Where the workspace's own run read that dataset, unless told otherwise (a flag given wins).
      const source = recorded?.dataset === name && !corpus ? recorded.source : undefined;
      const recordedQuestions = options.datasetDir === undefined && !corpus ? source?.questions : undefined;
      const questions = options.questions?.[i] ?? recordedQuestions;
      let dataset: ReturnType<typeof loadDataset>;
      try {
        dataset = loadDataset(name, options.datasetDir ?? source?.datasetDir ?? DEFAULT_DATASET_DIR, {
          requireQuestions: true,
          corpus: corpus ?? (options.datasetDir === undefined ? source?.corpus : undefined),
          questions,
        });
      } catch (error) {
        const dir = options.datasetDir;
        const absent = dir !== undefined && !corpus && !options.datasets?.[i] && HippoError.isInstance(error) && !existsSync(datasetPaths(name, dir).corpusPath);
        if (!absent || saveDirs.length === 1) throw error;
        missingDataset.push(`${saveDir} (dataset ${name}: no ${datasetPaths(name, dir).corpusPath}${source ? `; its run read it from ${source.corpus ?? source.datasetDir}` : ""})`);
        return undefined;
      }
      // a workspace may also hold runs on another dataset: those share no question with this one
      // Checked against the corpus as eval checks it: a run of passages the corpus no longer lists is stale here too.
      const runs = scoreStoredRuns(workspace, dataset.questions, undefined, evalCorpus(workspace, dataset.passages)).filter((run) => run.scores.count > 0);
      // "recorded" is said only where it differs from what the dataset alone would give.
      const from = options.questions?.[i] ? "given" : recordedQuestions && dataset.questionsPath && resolve(recordedQuestions) !== resolve(datasetPaths(name, options.datasetDir ?? source?.datasetDir ?? DEFAULT_DATASET_DIR).questionsPath) ? "recorded" : "dataset";
      return { dataset: name, saveDir, reports: runs.map((run) => withIntervals(run, bootstrap)), ...(dataset.unmatchedGold ? { notes: [dataset.unmatchedGold] } : {}), ...(dataset.questionsPath ? { questions: { path: dataset.questionsPath, from } as const } : {}) };
    } finally {
      workspace.close();
    }
  });
  const datasets = loaded.filter((d): d is DatasetRuns => d !== undefined);
  if (datasets.length === 0) throw usageError(`the dataset of no workspace is in --dataset-dir ${options.datasetDir}: ${missingDataset.join(", ")}`, "leave out --dataset-dir to read each dataset from where its run read it");
  return { bootstrap, datasets, tables: paperTables(datasets), skipped: saveDirs === options.saveDirs ? [] : skipped, ...(missingDataset.length ? { missingDataset } : {}) };
}

function refusal(saveDir: string): string {
  const kind = existsSync(saveDir) ? (statSync(saveDir).isDirectory() ? `no ${WORKSPACE_FILE}` : "it is a file") : "no such folder";
  return `no workspace at ${saveDir} (${kind})`;
}

/** The dataset named by the workspace's latest report (run and eval reports all record it), and where it was read. */
function datasetOf(workspace: Workspace): { dataset: string; source?: DatasetSource } | undefined {
  for (const { body } of workspace.reports.newestFirst()) {
    try {
      const { dataset, source } = JSON.parse(body) as { dataset?: unknown; source?: Partial<DatasetSource> };
      if (typeof dataset !== "string") continue;
      const known = typeof source?.datasetDir === "string" ? source as DatasetSource : undefined; // reports before sources were recorded have none
      return { dataset, ...(known ? { source: known } : {}) };
    } catch {
      // a report body that is not JSON says nothing about the dataset; look at older ones
    }
  }
  return undefined;
}

export function paperTablesMarkdown(tables: readonly PaperTable[]): string {
  const lines = ["# Stored runs beside the paper (HippoRAG 2, arXiv 2502.14802)", ""];
  for (const table of tables) lines.push(`## ${table.title}`, "", ...markdownTable(table.header, table.body), "");
  const notes = allNotes(tables);
  if (notes.length) lines.push("## Notes", "", ...notes.map((n) => `- ${n}`), "");
  return lines.join("\n");
}

export function paperTablesHtml(tables: readonly PaperTable[]): string {
  return htmlPage(
    "Stored runs beside the paper (HippoRAG 2, arXiv 2502.14802)",
    [...tables.map((t) => `<h2>${escapeHtml(t.title)}</h2>${htmlTable(t.header, t.body)}`), `<h2>Notes</h2>${htmlList(allNotes(tables))}`].join("\n"),
  );
}
