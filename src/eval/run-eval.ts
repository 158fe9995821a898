import { usageError } from "../core/errors.js";
import type { Question } from "../datasets/dataset-types.js";
import { loadDataset } from "../datasets/load-dataset.js";
import { storedIndexFingerprint } from "../graph/memory-index.js";
import { loadAnswers, loadRetrievals, questionKey, storedRuns } from "../retrieval/retrieval-store.js";
import { Workspace, WORKSPACE_FILE } from "../store/workspace.js";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { evaluate, type EvalItem, type EvalReport } from "./evaluate.js";
import { evalMarkdown, type NamedReport } from "./format-eval-report.js";
import { loadPredictions, matchPredictions } from "./load-predictions.js";
import { writeReport, writeReportFiles, type WrittenReport } from "./report-writer.js";

export interface RunEvalOptions {
  dataset: string;
  datasetDir: string;
  saveDir: string;
  /** External predictions file; otherwise the workspace's stored runs are scored. */
  predictions?: string;
  /** Only this stored run (default: every stored run). */
  run?: string;
}

export interface EvalResult {
  dataset: string;
  reports: NamedReport[];
  written?: WrittenReport;
}

/** Scores an external predictions file, or every retrieval/QA run stored in the workspace. */
export function runEval(options: RunEvalOptions): EvalResult {
  const dataset = loadDataset(options.dataset, options.datasetDir, { requireQuestions: true });
  // Inputs are validated before the workspace is opened: bad input leaves it untouched.
  const items = options.predictions ? matchPredictions(loadPredictions(options.predictions), dataset.questions, options.predictions) : undefined;
  // eval only reads: it never creates a workspace (a typo in --save-dir must not make an empty one).
  // A predictions file needs none: it is scored, and the report is written without a workspace row.
  if (items && !existsSync(join(options.saveDir, WORKSPACE_FILE))) {
    const reports: NamedReport[] = [{ name: "predictions", report: evaluate(items) }];
    const written = writeReportFiles(options.saveDir, { name: "eval-predictions", body: { dataset: options.dataset, predictions: options.predictions, reports }, markdown: evalMarkdown(`Evaluation: ${options.dataset}`, reports) });
    return { dataset: options.dataset, reports, written };
  }
  const workspace = Workspace.open(options.saveDir, { create: false });
  try {
    const reports: NamedReport[] = items ? [{ name: "predictions", report: evaluate(items) }] : evaluateStoredRuns(workspace, dataset.questions, options.run);
    const name = options.predictions ? "eval-predictions" : `eval-${options.run ?? "all"}`;
    const written = writeReport(workspace, {
      kind: "eval",
      name,
      body: { dataset: options.dataset, predictions: options.predictions, reports },
      markdown: evalMarkdown(`Evaluation: ${options.dataset}`, reports),
    });
    return { dataset: options.dataset, reports, written };
  } finally {
    workspace.close();
  }
}

/** One report per stored run: its retrievals (mapped back to passage strings) and answers, if any. */
export function evaluateStoredRuns(workspace: Workspace, questions: readonly Question[], onlyRun?: string): NamedReport[] {
  const runs = storedRuns(workspace);
  const selected = onlyRun ? runs.filter((run) => run === onlyRun) : runs;
  if (selected.length === 0) {
    throw usageError(
      onlyRun ? `no stored run named "${onlyRun}" in ${workspace.path} (have: ${runs.join(", ") || "none"})` : `no retrieval results stored in ${workspace.path}`,
      "Run hipporag retrieve (or hipporag run) first, or score a file with --predictions",
    );
  }
  return selected.map((run) => {
    const stale = runStaleness(workspace, run, questions);
    return { name: stale ? `${run} (stale)` : run, report: evaluateRun(workspace, run, questions), ...(stale ? { stale } : {}) };
  });
}

/**
 * Scores a stored run on the dataset's questions, each found by its text (stored results are keyed
 * by content). Answers count only when they were computed from the stored ranking they sit beside.
 */
export function evaluateRun(workspace: Workspace, run: string, questions: readonly Question[]): EvalReport {
  const content = workspace.db.prepare("SELECT content FROM passages WHERE id = ?").pluck();
  const retrieved = loadRetrievals(workspace, run);
  const answers = loadAnswers(workspace, run);
  const items: EvalItem[] = [];
  for (const question of questions) {
    const row = retrieved.get(questionKey(question.question));
    if (!row) continue;
    const answer = answers.get(row.questionKey);
    items.push({
      docs: row.passageIds.map((id) => content.get(id) as string),
      goldDocs: question.goldDocs,
      goldAnswers: question.goldAnswers,
      answer: answers.size > 0 ? (answer?.answer ?? "") : undefined,
    });
  }
  return evaluate(items);
}

/**
 * Why a stored run is not current for these questions (undefined when it is): questions it never
 * retrieved, or rankings from an index that has changed since (its corpus or OpenIE).
 */
export function runStaleness(workspace: Workspace, run: string, questions: readonly Question[]): string | undefined {
  const retrieved = loadRetrievals(workspace, run);
  const keys = [...new Set(questions.map((q) => questionKey(q.question)))];
  const missing = keys.filter((key) => !retrieved.has(key)).length;
  const current = new Map<string, string | undefined>();
  let stale = 0;
  for (const key of keys) {
    const row = retrieved.get(key);
    if (!row) continue;
    if (!current.has(row.indexId)) current.set(row.indexId, storedIndexFingerprint(workspace, row.indexId));
    if (current.get(row.indexId) !== row.inputs.index) stale++;
  }
  const problems = [missing ? `${missing} questions not retrieved` : "", stale ? `${stale} rankings from an index that has changed since` : ""].filter(Boolean);
  return problems.length ? problems.join(", ") : undefined;
}
