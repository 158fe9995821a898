import type { Workspace } from "../store/workspace.js";
import type { RetrievalResult, RetrievalTrace } from "./retriever.js";

export interface StoredRetrieval {
  questionId: string;
  question: string;
  passageIds: string[];
  scores: number[];
  trace: RetrievalTrace & { fingerprint?: string };
}

/** Saves one run's results (one transaction): `run` is a label such as "hipporag2" or "dense". */
export function saveRetrievals(workspace: Workspace, run: string, rows: readonly { questionId: string; result: RetrievalResult }[], fingerprint: string): void {
  const insert = workspace.db.prepare("INSERT OR REPLACE INTO retrievals (run, question_id, question, passage_ids, scores, trace) VALUES (?, ?, ?, ?, ?, ?)");
  const clearAnswer = workspace.db.prepare("DELETE FROM answers WHERE run = ? AND question_id = ?");
  workspace.db.transaction(() => {
    for (const { questionId, result } of rows) {
      insert.run(run, questionId, result.question, JSON.stringify(result.passageIds), JSON.stringify(result.scores), JSON.stringify({ ...result.trace, fingerprint }));
      clearAnswer.run(run, questionId); // a new ranking invalidates the old answer
    }
  })();
}

export function loadRetrievals(workspace: Workspace, run: string): Map<string, StoredRetrieval> {
  const rows = workspace.db.prepare("SELECT question_id, question, passage_ids, scores, trace FROM retrievals WHERE run = ?").all(run) as {
    question_id: string;
    question: string;
    passage_ids: string;
    scores: string;
    trace: string | null;
  }[];
  return new Map(
    rows.map((row) => [
      row.question_id,
      { questionId: row.question_id, question: row.question, passageIds: JSON.parse(row.passage_ids), scores: JSON.parse(row.scores), trace: row.trace ? JSON.parse(row.trace) : undefined },
    ]),
  );
}

export function storedRuns(workspace: Workspace): string[] {
  return workspace.db.prepare("SELECT DISTINCT run FROM retrievals ORDER BY run").pluck().all() as string[];
}

export function saveAnswer(workspace: Workspace, run: string, questionId: string, answer: string, raw: string): void {
  workspace.db.prepare("INSERT OR REPLACE INTO answers (run, question_id, answer, raw) VALUES (?, ?, ?, ?)").run(run, questionId, answer, raw);
}
