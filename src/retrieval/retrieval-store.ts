import type { Inputs } from "../core/fingerprint.js";
import { md5Hex } from "../core/ids.js";
import type { Workspace } from "../store/workspace.js";
import type { RetrievalResult, RetrievalTrace } from "./retriever.js";

/**
 * Stored results are keyed by the question's content, never by its id or position: a question whose
 * text changes is a new question, and a reordered file finds each result by its text.
 */
export function questionKey(question: string): string {
  return md5Hex(question);
}

export interface StoredRetrieval {
  questionKey: string;
  questionId: string;
  question: string;
  indexId: string;
  inputs: Inputs;
  passageIds: string[];
  scores: number[];
  trace: RetrievalTrace;
}

export interface StoredAnswer {
  inputs: Inputs;
  answer: string;
  raw: string;
}

/** Saves results of one run (one transaction): `run` is a label such as "hipporag2" or "dense". */
export function saveRetrievals(
  workspace: Workspace,
  run: string,
  indexId: string,
  rows: readonly { questionId: string; inputs: Inputs; result: RetrievalResult }[],
): void {
  const insert = workspace.db.prepare(
    "INSERT OR REPLACE INTO retrievals (run, question_key, question_id, question, index_id, inputs, passage_ids, scores, trace) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
  );
  const clearAnswer = workspace.db.prepare("DELETE FROM answers WHERE run = ? AND question_key = ?");
  workspace.db.transaction(() => {
    for (const { questionId, inputs, result } of rows) {
      const key = questionKey(result.question);
      insert.run(run, key, questionId, result.question, indexId, JSON.stringify(inputs), JSON.stringify(result.passageIds), JSON.stringify(result.scores), JSON.stringify(result.trace));
      clearAnswer.run(run, key); // a new ranking invalidates the old answer
    }
  })();
}

/** A run's stored results keyed by question key. */
export function loadRetrievals(workspace: Workspace, run: string): Map<string, StoredRetrieval> {
  const rows = workspace.db.prepare("SELECT question_key, question_id, question, index_id, inputs, passage_ids, scores, trace FROM retrievals WHERE run = ?").all(run) as {
    question_key: string;
    question_id: string;
    question: string;
    index_id: string;
    inputs: string;
    passage_ids: string;
    scores: string;
    trace: string | null;
  }[];
  return new Map(
    rows.map((row) => [
      row.question_key,
      {
        questionKey: row.question_key,
        questionId: row.question_id,
        question: row.question,
        indexId: row.index_id,
        inputs: JSON.parse(row.inputs) as Inputs,
        passageIds: JSON.parse(row.passage_ids) as string[],
        scores: JSON.parse(row.scores) as number[],
        trace: row.trace ? (JSON.parse(row.trace) as RetrievalTrace) : ({} as RetrievalTrace),
      },
    ]),
  );
}

export function storedRuns(workspace: Workspace): string[] {
  return workspace.db.prepare("SELECT DISTINCT run FROM retrievals ORDER BY run").pluck().all() as string[];
}

export function saveAnswer(workspace: Workspace, run: string, key: string, inputs: Inputs, answer: string, raw: string): void {
  workspace.db.prepare("INSERT OR REPLACE INTO answers (run, question_key, inputs, answer, raw) VALUES (?, ?, ?, ?, ?)").run(run, key, JSON.stringify(inputs), answer, raw);
}

export function loadAnswers(workspace: Workspace, run: string): Map<string, StoredAnswer> {
  const rows = workspace.db.prepare("SELECT question_key, inputs, answer, raw FROM answers WHERE run = ?").all(run) as { question_key: string; inputs: string; answer: string; raw: string }[];
  return new Map(rows.map((row) => [row.question_key, { inputs: JSON.parse(row.inputs) as Inputs, answer: row.answer, raw: row.raw }]));
}
