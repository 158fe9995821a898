import { usageError } from "../core/errors.js";
import type { Question } from "../datasets/dataset-types.js";
import { loadDataset } from "../datasets/load-dataset.js";
import { Workspace } from "../store/workspace.js";
import { evaluate, type EvalItem, type EvalReport } from "./evaluate.js";
import { evalMarkdown, type NamedReport } from "./format-eval-report.js";
import { loadPredictions, matchPredictions } from "./load-predictions.js";
import { writeReport, type WrittenReport } from "./report-writer.js";

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
  const workspace = Workspace.open(options.saveDir);
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
  const runs = (workspace.db.prepare("SELECT DISTINCT run FROM retrievals ORDER BY run").all() as { run: string }[]).map((r) => r.run);
  const selected = onlyRun ? runs.filter((run) => run === onlyRun) : runs;
  if (selected.length === 0) {
    throw usageError(
      onlyRun ? `no stored run named "${onlyRun}" in ${workspace.path} (have: ${runs.join(", ") || "none"})` : `no retrieval results stored in ${workspace.path}`,
      "Run hipporag retrieve (or hipporag run) first, or score a file with --predictions",
    );
  }
  return selected.map((run) => ({ name: run, report: evaluateRun(workspace, run, questions) }));
}

export function evaluateRun(workspace: Workspace, run: string, questions: readonly Question[]): EvalReport {
  const content = workspace.db.prepare("SELECT content FROM passages WHERE id = ?").pluck();
  const retrievalRows = workspace.db.prepare("SELECT question_id, passage_ids FROM retrievals WHERE run = ?").all(run) as {
    question_id: string;
    passage_ids: string;
  }[];
  const answers = new Map(
    (workspace.db.prepare("SELECT question_id, answer FROM answers WHERE run = ?").all(run) as { question_id: string; answer: string }[]).map(
      (row) => [row.question_id, row.answer],
    ),
  );
  const retrieved = new Map(retrievalRows.map((row) => [row.question_id, JSON.parse(row.passage_ids) as string[]]));
  const items: EvalItem[] = [];
  for (const question of questions) {
    const ids = retrieved.get(question.id);
    if (!ids) continue;
    items.push({
      docs: ids.map((id) => content.get(id) as string),
      goldDocs: question.goldDocs,
      goldAnswers: question.goldAnswers,
      answer: answers.size > 0 ? (answers.get(question.id) ?? "") : undefined,
    });
  }
  return evaluate(items);
}
