import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { InputError, usageError } from "../core/errors.js";
import type { Question } from "../datasets/dataset-types.js";
import { datasetSource } from "../datasets/dataset-source.js";
import { loadDataset } from "../datasets/load-dataset.js";
import { corpusDrift } from "../graph/memory-index.js";
import { DEFAULT_RETRIEVAL } from "../retrieval/retriever.js";
import { ircotUsage } from "../retrieval/ircot/ircot-usage.js";
import { loadAnswerRows, loadRetrievals, questionKey, storedRuns, type StoredRetrieval } from "../retrieval/retrieval-store.js";
import { Workspace, WORKSPACE_FILE } from "../store/workspace.js";
import { DEFAULT_RESAMPLES, DEFAULT_SEED, type BootstrapOptions } from "./bootstrap-means.js";
import { compareRuns, type RunComparison, type ScoredRun } from "./compare-runs.js";
import { evalHtml } from "./eval-html.js";
import { poolScores, scoreQuestions, type EvalItem, type EvalReport } from "./evaluate.js";
import { evalMarkdown, type NamedReport } from "./format-eval-report.js";
import { loadPredictions, matchPredictions } from "./load-predictions.js";
import { metricIntervals } from "./metric-intervals.js";
import { indexFingerprints, runNotes } from "./run-notes.js";
import { reportName, writeReport, writeReportFiles, type WrittenReport } from "./report-writer.js";

export const DEFAULT_BOOTSTRAP: BootstrapOptions = { resamples: DEFAULT_RESAMPLES, seed: DEFAULT_SEED };

export interface RunEvalOptions {
  dataset: string;
  datasetDir: string;
  saveDir: string;
  /** External predictions file; otherwise the workspace's stored runs are scored. */
  predictions?: string;
  /** Only this stored run (default: every stored run). */
  run?: string;
  /** Two stored runs A and B: both are scored and A − B is tested (paired bootstrap). */
  compare?: readonly [string, string];
  /** The corpus and questions files the runs were retrieved with (`--corpus`, `--questions`), instead of the dataset's. */
  source?: { corpus?: string; questions?: string };
  bootstrap?: BootstrapOptions;
}

export interface EvalResult {
  dataset: string;
  reports: NamedReport[];
  comparisons: RunComparison[];
  bootstrap: BootstrapOptions;
  /** What the numbers do not show: fallbacks, questions without answers, a partial index (run-notes.ts). */
  notes: string[];
  written?: WrittenReport;
}

/** Scores an external predictions file, or every retrieval/QA run stored in the workspace (or two, compared). */
export function runEval(options: RunEvalOptions): EvalResult {
  const bootstrap = options.bootstrap ?? DEFAULT_BOOTSTRAP;
  if (options.compare && (options.predictions || options.run)) throw usageError("--compare scores two stored runs: it cannot be combined with --predictions or --run");
  if (options.compare && options.compare[0] === options.compare[1]) throw usageError(`--compare needs two different runs, got "${options.compare[0]}" twice`);
  const dataset = loadDataset(options.dataset, options.datasetDir, { requireQuestions: true, corpus: options.source?.corpus, questions: options.source?.questions });
  // A gold passage that matches no corpus passage scores 0 whatever was retrieved: said beside the numbers.
  const datasetNotes = dataset.unmatchedGold ? [dataset.unmatchedGold] : [];
  // A metric left out for want of gold is said, or its missing column reads as a bug.
  const file = dataset.questionsPath ?? "the questions file";
  if (dataset.questions.length > 0 && dataset.questions.every((q) => q.goldDocs.length === 0)) datasetNotes.push(`no question of ${file} has gold passages: Recall@k is not scored`);
  if (dataset.questions.length > 0 && dataset.questions.every((q) => q.goldAnswers.length === 0)) datasetNotes.push(`no question of ${file} has a gold answer: EM and F1 are not scored`);
  // Inputs are validated before the workspace is opened: bad input leaves it untouched.
  const items = options.predictions ? matchPredictions(loadPredictions(options.predictions), dataset.questions, options.predictions) : undefined;
  // A predictions file of a subset scores that subset: said, or its numbers read as the whole set's.
  if (items && items.length < dataset.questions.length) datasetNotes.push(`${options.predictions} has predictions for ${items.length} of the ${dataset.questions.length} questions of ${file}: the scores are over those ${items.length} only`);
  // eval only reads: it never creates a workspace (a typo in --save-dir must not make an empty one).
  // A predictions file needs none: it is scored, and the report is written without a workspace row.
  if (items && !existsSync(join(options.saveDir, WORKSPACE_FILE))) {
    const reports = [withIntervals({ name: "predictions", ids: items.map((_, i) => String(i)), scores: scoreQuestions(items, { topK: longestRanking(items) }) }, bootstrap)];
    const title = `Evaluation: ${options.dataset}`;
    const written = writeReportFiles(options.saveDir, {
      kind: "eval",
      dataset: options.dataset,
      label: predictionsLabel(options.saveDir, options.dataset, options.predictions!),
      runs: ["predictions"],
      body: { dataset: options.dataset, createdAt: new Date().toISOString(), predictions: options.predictions, bootstrap, reports, comparisons: [], notes: datasetNotes },
      markdown: evalMarkdown(title, reports, { comparisons: [], bootstrap, notes: datasetNotes }),
      html: evalHtml(title, reports, { comparisons: [], bootstrap, notes: datasetNotes }),
    });
    return { dataset: options.dataset, reports, comparisons: [], bootstrap, notes: datasetNotes, written };
  }
  const workspace = Workspace.open(options.saveDir, { create: false });
  try {
    // Runs another process is writing may change under this eval: scored (the numbers are asked for),
    // said, and no report is recorded as if they were a finished state of the workspace.
    const busy = workspace.tryAcquireWriterLock("eval");
    if (busy) datasetNotes.push(`${busy}: its runs may be changing under this eval, so no report was written; run eval again when it ends`);
    const scored: ScoredRun[] = items
      ? [{ name: "predictions", ids: items.map((_, i) => String(i)), scores: scoreQuestions(items, { topK: longestRanking(items) }) }]
      : scoreStoredRuns(workspace, dataset.questions, options.compare ?? (options.run ? [options.run] : undefined), evalCorpus(workspace, dataset.passages));
    // Runs made on another dataset share no question with this one: all-zero tables would read as
    // results, and the report written would tell `report` that this is the workspace's dataset.
    if (!items && scored.every((run) => run.scores.count === 0)) {
      throw new InputError(`no stored run of ${options.saveDir} (${scored.map((run) => run.name).join(", ")}) ranked any of the ${dataset.questions.length} question${dataset.questions.length === 1 ? "" : "s"} of dataset ${options.dataset}`, {}, {
        suggestion: "pass the --dataset (or --corpus and --questions) the runs were retrieved with",
      });
    }
    const reports = scored.map((run) => withIntervals(run, bootstrap));
    const comparisons = options.compare ? [compareRuns(scored[0]!, scored[1]!, bootstrap)] : [];
    const notes = [...datasetNotes, ...reports.flatMap((r) => r.notes ?? [])];
    if (options.compare && !items) {
      const mixed = qaSettingsDiffer(workspace, options.compare[0], options.compare[1], dataset.questions);
      if (mixed) notes.push(mixed);
    }
    const label = options.predictions ? predictionsLabel(options.saveDir, options.dataset, options.predictions) : options.compare ? `${options.compare[0]}-vs-${options.compare[1]}` : (options.run ?? "all");
    const title = options.compare ? `Comparison: ${options.compare[0]} vs ${options.compare[1]} on ${options.dataset}` : `Evaluation: ${options.dataset}`;
    const createdAt = new Date().toISOString();
    const written = busy ? undefined : writeReport(workspace, {
      kind: options.compare ? "compare" : "eval",
      dataset: options.dataset,
      label,
      runs: reports.map((r) => r.name),
      body: { dataset: options.dataset, source: datasetSource(options.datasetDir, options.source), createdAt, predictions: options.predictions, bootstrap, reports, comparisons, notes },
      markdown: evalMarkdown(title, reports, { comparisons, bootstrap, notes }),
      html: evalHtml(title, reports, { comparisons, bootstrap, notes }),
    });
    return { dataset: options.dataset, reports, comparisons, bootstrap, notes, written };
  } finally {
    workspace.close();
  }
}

/**
 * Said beside a comparison whose two runs were answered with different QA settings (model, prompt or
 * max tokens: the answers' qa input): their EM/F1 difference is then not the retrieval's alone.
 */
function qaSettingsDiffer(workspace: Workspace, a: string, b: string, questions: readonly Question[]): string | undefined {
  const keys = [...new Set(questions.map((q) => questionKey(q.question)))];
  const settingsOf = (run: string) => {
    const { answers } = loadAnswerRows(workspace, run);
    return new Set(keys.map((key) => answers.get(key)?.inputs.qa).filter((qa): qa is string => qa !== undefined));
  };
  const [sa, sb] = [settingsOf(a), settingsOf(b)];
  if (sa.size === 0 || sb.size === 0 || (sa.size === sb.size && [...sa].every((s) => sb.has(s)))) return undefined;
  return `${a} vs ${b}: their answers come from different QA settings (model, prompt or max tokens), so the EM/F1 difference is not the retrieval's alone; hipporag qa with one setting for both runs makes it so`;
}

/**
 * The corpus ids the workspace's indexes should hold, as retrieve computes them from the same
 * dataset; undefined for a workspace of chunked passages (eval takes no chunking flags, so it
 * cannot cut the documents as index did, and does not guess).
 */
export function evalCorpus(workspace: Workspace, passages: readonly { id: string }[]): string[] | undefined {
  if (workspace.passages.allMetadata().some((metadata) => metadata.chunkSize !== undefined)) return undefined;
  return passages.map((p) => p.id);
}

/** The pooled means of a run (exactly as upstream) with a 95% bootstrap interval beside each. */
export function withIntervals(run: ScoredRun, bootstrap: BootstrapOptions): NamedReport {
  return {
    name: run.name,
    report: { ...poolScores(run.scores), ci95: metricIntervals(run.scores, bootstrap) },
    ...(run.ircot ? { ircot: run.ircot } : {}),
    ...(run.notes?.length ? { notes: run.notes } : {}),
    ...(run.stale ? { stale: true } : {}),
    ...(run.run !== undefined ? { run: run.run, indexes: run.indexes ?? [] } : {}),
  };
}

/**
 * The stored runs of a workspace scored for `run`: the HippoRAG run first, with intervals, and the
 * first run compared with every other (as the paper's † compares HippoRAG 2 with NV-Embed-v2).
 */
export function evaluateRuns(workspace: Workspace, runs: readonly string[], questions: readonly Question[], bootstrap: BootstrapOptions = DEFAULT_BOOTSTRAP): { results: NamedReport[]; comparisons: RunComparison[]; bootstrap: BootstrapOptions } {
  const scored = scoreStoredRuns(workspace, questions, runs);
  return {
    results: scored.map((run) => withIntervals(run, bootstrap)),
    comparisons: scored.slice(1).map((other) => compareRuns(scored[0]!, other, bootstrap)),
    bootstrap,
  };
}

/** Every stored run (or just `only`, in that order), scored per question; unknown names are a usage error. */
export function scoreStoredRuns(workspace: Workspace, questions: readonly Question[], only?: readonly string[], corpus?: readonly string[]): ScoredRun[] {
  const runs = storedRuns(workspace);
  const missing = (only ?? []).filter((run) => !runs.includes(run));
  if (missing.length > 0 || runs.length === 0) {
    throw usageError(
      missing.length ? `no stored run named "${missing[0]}" in ${workspace.path} (have: ${runs.join(", ") || "none"})` : `no retrieval results stored in ${workspace.path}`,
      "Run hipporag retrieve (or hipporag run) first, or score a file with --predictions",
    );
  }
  const selected = only ?? runs;
  // Runs retrieved from different indexes (another encoder, vector precision or OpenIE) are not
  // comparable as they stand: then each run's name says which index it was retrieved from. Only the
  // rows of these questions count (a question reworded since leaves its old row, scored nowhere).
  const keys = new Set(questions.map((q) => questionKey(q.question)));
  const indexOf = new Map(selected.map((run) => [run, [...new Set([...loadRetrievals(workspace, run)].filter(([key]) => keys.has(key)).map(([, row]) => row.indexId))].sort()]));
  const mixed = new Set([...indexOf.values()].flat()).size > 1;
  const fingerprintOf = indexFingerprints(workspace);
  return selected.map((run) => {
    // A run retrieved from an index that has changed since is not current: say so beside its numbers, and why.
    const stale = runStaleness(workspace, run, questions, corpus, fingerprintOf);
    const scored = { ...scoreRun(workspace, run, questions), notes: [...runNotes(workspace, run, questions, corpus, fingerprintOf), ...(stale ? [`${run}: not current: ${stale}; hipporag index and retrieve bring it up to date`] : [])] };
    const name = `${run}${mixed ? ` [${indexOf.get(run)!.join(" + ")}]` : ""}`;
    return { ...scored, name, run, indexes: indexOf.get(run)!, ...(stale ? { stale: true } : {}) };
  });
}

export { storedRuns };

/** One report per stored run (no intervals): what `qa` and older callers print. */
export function evaluateStoredRuns(workspace: Workspace, questions: readonly Question[], onlyRun?: string): NamedReport[] {
  return scoreStoredRuns(workspace, questions, onlyRun ? [onlyRun] : undefined).map((run) => ({ name: run.name, report: poolScores(run.scores), ...(run.stale ? { stale: true } : {}) }));
}

/**
 * Scores a stored run on the dataset's questions, each found by its text (stored results are keyed
 * by content). Answers count only when they were computed from the stored ranking they sit beside.
 */
export function evaluateRun(workspace: Workspace, run: string, questions: readonly Question[]): EvalReport {
  return poolScores(scoreRun(workspace, run, questions).scores);
}

/** A stored run's retrievals (mapped back to passage strings) and answers, if any, scored per question. */
export function scoreRun(workspace: Workspace, run: string, questions: readonly Question[]): ScoredRun {
  const retrieved = loadRetrievals(workspace, run);
  const { answers, failed } = loadAnswerRows(workspace, run);
  // A run whose qa failed everywhere was asked: its EM/F1 are 0 (with run-notes' note), not "not scored".
  const asked = answers.size > 0 || failed.size > 0;
  const items: EvalItem[] = [];
  const ids: string[] = [];
  const rows: StoredRetrieval[] = [];
  for (const question of questions) {
    const row = retrieved.get(questionKey(question.question));
    if (!row) continue;
    const answer = answers.get(row.questionKey);
    ids.push(question.id);
    rows.push(row);
    items.push({
      docs: workspace.passages.contents(row.passageIds) as string[],
      goldDocs: question.goldDocs,
      goldAnswers: question.goldAnswers,
      answer: asked ? (answer?.answer ?? "") : undefined,
    });
  }
  const ircot = rows.some((row) => row.trace.ircot) ? ircotUsage(rows) : undefined;
  return { name: run, ids, scores: scoreQuestions(items, { topK: requestedTopK(run) }), ...(ircot ? { ircot } : {}) };
}

/**
 * The report label of a predictions file: `predictions-<file name>`, unless a report of that name
 * scores another file of the same name (a/preds.json, then b/preds.json): then a short hash of this
 * file's path is added, so neither overwrites the other, and the same file again replaces its own.
 */
function predictionsLabel(saveDir: string, dataset: string, path: string): string {
  const label = `predictions-${basename(path).replace(/\.json$/i, "")}`;
  let scored: unknown;
  try {
    scored = (JSON.parse(readFileSync(join(saveDir, "reports", `${reportName("eval", dataset, label)}.json`), "utf8")) as { predictions?: unknown }).predictions;
  } catch {
    return label; // no report of that name yet (or one edited by hand): this file takes the name
  }
  if (typeof scored !== "string" || resolve(scored) === resolve(path)) return label;
  return `${label}-${createHash("md5").update(resolve(path)).digest("hex").slice(0, 8)}`;
}

/**
 * The `--top-k` a stored run was retrieved with, read from its label: runLabel (hipporag.ts) appends
 * `-top<k>` exactly when it differs from the default, which the retriever defines.
 */
export function requestedTopK(run: string): number {
  const match = /-top(\d+)(?=-|$)/.exec(run);
  return match ? Number(match[1]) : DEFAULT_RETRIEVAL.topK;
}

/**
 * A predictions file states no top-k: its longest ranking is the cut-off. When every ranking is empty
 * there is none: each cut-off scores 0, as upstream reports it (a cut-off of 0 showed no Recall at all).
 */
function longestRanking(items: readonly EvalItem[]): number | undefined {
  if (!items.every((item) => item.docs !== undefined)) return undefined;
  const longest = Math.max(...items.map((item) => item.docs!.length));
  return longest > 0 ? longest : undefined;
}

/**
 * Why a stored run is not current for these questions (undefined when it is): questions it never
 * retrieved, rankings from an index that has changed since (its passages or OpenIE), and, given the
 * corpus the index should hold (passage ids, in order), rankings from an index that no longer
 * matches it (the corpus was edited after indexing: retrieve refuses that index until it is rebuilt).
 */
export function runStaleness(workspace: Workspace, run: string, questions: readonly Question[], corpus?: readonly string[], fingerprintOf = indexFingerprints(workspace)): string | undefined {
  const retrieved = loadRetrievals(workspace, run);
  const keys = [...new Set(questions.map((q) => questionKey(q.question)))];
  const missing = keys.filter((key) => !retrieved.has(key)).length;
  const drift = new Map<string, string | undefined>();
  let stale = 0;
  let drifted = 0;
  const drifts = new Set<string>();
  for (const key of keys) {
    const row = retrieved.get(key);
    if (!row) continue;
    if (fingerprintOf(row.indexId) !== row.inputs.index) {
      stale++;
      continue;
    }
    if (!corpus) continue;
    if (!drift.has(row.indexId)) drift.set(row.indexId, corpusDrift([...workspace.indexes.passages(row.indexId).keys()], workspace.indexes.excluded(row.indexId), corpus));
    const how = drift.get(row.indexId);
    if (how) {
      drifted++;
      drifts.add(how);
    }
  }
  const problems = [
    missing ? `${missing} question${missing === 1 ? "" : "s"} not retrieved` : "",
    stale ? `${stale} ranking${stale === 1 ? "" : "s"} from an index that has changed since` : "",
    drifted ? `${drifted} ranking${drifted === 1 ? "" : "s"} from an index that no longer matches the corpus (${[...drifts].join("; ")})` : "",
  ].filter(Boolean);
  return problems.length ? problems.join(", ") : undefined;
}
