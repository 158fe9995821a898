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

/** Saves results of one run (one unit): `run` is a label such as "hipporag2" or "dense". A new ranking drops the old answer. */
export function saveRetrievals(
  workspace: Workspace,
  run: string,
  indexId: string,
  rows: readonly { questionId: string; inputs: Inputs; result: RetrievalResult }[],
): void {
  workspace.runs.saveRetrievals(
    run,
    rows.map(({ questionId, inputs, result }) => ({ questionKey: questionKey(result.question), questionId, question: result.question, indexId, inputs, passageIds: result.passageIds, scores: result.scores, trace: result.trace })),
  );
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

export function loadAnswers(workspace: Workspace, run: string): Map<string, StoredAnswer> {
  return workspace.runs.answers(run);
}
