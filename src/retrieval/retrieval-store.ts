import type { Inputs } from "../core/fingerprint.js";
import { md5Hex } from "../core/ids.js";
import type { AnswerRow, RetrievalRow } from "../store/run-store.js";
import type { Workspace } from "../store/workspace.js";
import type { RetrievalResult, RetrievalTrace } from "./retriever.js";

/**
 * Stored results are keyed by the question's content, never by its id or position: a question whose
 * text changes is a new question, and a reordered file finds each result by its text.
 */
export function questionKey(question: string): string {
  return md5Hex(question);
}

/** A stored ranking, its trace typed (the run store keeps traces as given). */
export interface StoredRetrieval extends RetrievalRow {
  trace: RetrievalTrace;
}

export type StoredAnswer = AnswerRow;

/**
 * Saves results of one run (one unit): `run` is a label such as "hipporag2" or "dense". A new ranking
 * drops the old answer (it answered another ranking), leaving a mark that it did, so that the next qa
 * says why it answers again and eval why the question has no answer.
 */
export function saveRetrievals(
  workspace: Workspace,
  run: string,
  indexId: string,
  rows: readonly { questionId: string; inputs: Inputs; result: RetrievalResult }[],
): void {
  const keys = rows.map(({ result }) => questionKey(result.question));
  const answered = new Set([...workspace.runs.answers(run)].filter(([, row]) => row.inputs[FAILED_MARK] === undefined && row.inputs[RERANKED_MARK] === undefined).map(([key]) => key));
  workspace.transaction(() => {
    workspace.runs.saveRetrievals(
      run,
      rows.map(({ questionId, inputs, result }, i) => ({ questionKey: keys[i]!, questionId, question: result.question, indexId, inputs, passageIds: result.passageIds, scores: result.scores, trace: result.trace })),
    );
    for (const key of keys) if (answered.has(key)) workspace.runs.saveAnswer(run, key, { inputs: { [RERANKED_MARK]: "yes" }, answer: "", raw: "" });
  });
}

/** A run's stored results keyed by question key. */
export function loadRetrievals(workspace: Workspace, run: string): Map<string, StoredRetrieval> {
  return workspace.runs.retrievals(run) as Map<string, StoredRetrieval>;
}

export function storedRuns(workspace: Workspace): string[] {
  return workspace.runs.runs();
}

export function saveAnswer(workspace: Workspace, run: string, key: string, inputs: Inputs, answer: string, raw: string): void {
  workspace.runs.saveAnswer(run, key, { inputs, answer, raw });
}

/**
 * Beside an answer's input fingerprints, marks a row that records a failure (its `raw` is the error):
 * a question whose answer failed after retries, kept so that eval can tell "failed" from "never
 * asked". Not an input: loadAnswers leaves such rows out, and the next qa asks again.
 */
const FAILED_MARK = "failed";
/** The mark of a question whose answer was dropped because it was retrieved again (no answer either). */
const RERANKED_MARK = "reranked";

/** A run's answers, its failed questions (with the error) and those answered for an older ranking, by question key, from one read. */
export function loadAnswerRows(workspace: Workspace, run: string): { answers: Map<string, StoredAnswer>; failed: Map<string, string>; reranked: Set<string> } {
  const answers = new Map<string, StoredAnswer>();
  const failed = new Map<string, string>();
  const reranked = new Set<string>();
  for (const [key, row] of workspace.runs.answers(run)) {
    if (row.inputs[RERANKED_MARK] !== undefined) reranked.add(key);
    else if (row.inputs[FAILED_MARK] === undefined) answers.set(key, row);
    else failed.set(key, row.raw);
  }
  return { answers, failed, reranked };
}

/** A run's answers keyed by question key (failures left out: loadAnswerRows has them). */
export function loadAnswers(workspace: Workspace, run: string): Map<string, StoredAnswer> {
  return loadAnswerRows(workspace, run).answers;
}

/** Records that the question's answer failed (replacing an answer of other inputs, which is not this run's). */
export function saveFailedAnswer(workspace: Workspace, run: string, key: string, inputs: Inputs, error: string): void {
  workspace.runs.saveAnswer(run, key, { inputs: { ...inputs, [FAILED_MARK]: "yes" }, answer: "", raw: error });
}
