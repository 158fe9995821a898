import type { AnswerRow, RetrievalRow, RunStore } from "./run-store.js";
import type { Db } from "./sqlite-db.js";

/** Runs in the workspace's `retrievals` and `answers` tables; lists and traces are JSON. */
export class SqliteRunStore implements RunStore {
  constructor(private readonly db: Db) {}

  saveRetrievals(run: string, rows: readonly RetrievalRow[]): void {
    const insert = this.db.prepare(
      "INSERT OR REPLACE INTO retrievals (run, question_key, question_id, question, index_id, inputs, passage_ids, scores, trace) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    );
    const clearAnswer = this.db.prepare("DELETE FROM answers WHERE run = ? AND question_key = ?");
    this.db.transaction(() => {
      for (const row of rows) {
        insert.run(run, row.questionKey, row.questionId, row.question, row.indexId, JSON.stringify(row.inputs), JSON.stringify(row.passageIds), JSON.stringify(row.scores), JSON.stringify(row.trace));
        clearAnswer.run(run, row.questionKey);
      }
    })();
  }

  retrievals(run: string): Map<string, RetrievalRow> {
    const rows = this.db.prepare("SELECT question_key, question_id, question, index_id, inputs, passage_ids, scores, trace FROM retrievals WHERE run = ?").all(run) as {
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
          inputs: JSON.parse(row.inputs),
          passageIds: JSON.parse(row.passage_ids),
          scores: JSON.parse(row.scores),
          trace: row.trace ? JSON.parse(row.trace) : {},
        },
      ]),
    );
  }

  runs(): string[] {
    return this.db.prepare("SELECT DISTINCT run FROM retrievals ORDER BY run").pluck().all() as string[];
  }

  saveAnswer(run: string, questionKey: string, answer: AnswerRow): void {
    this.db.prepare("INSERT OR REPLACE INTO answers (run, question_key, inputs, answer, raw) VALUES (?, ?, ?, ?, ?)").run(run, questionKey, JSON.stringify(answer.inputs), answer.answer, answer.raw);
  }

  dropAnswers(run: string, questionKeys: readonly string[]): void {
    const drop = this.db.prepare("DELETE FROM answers WHERE run = ? AND question_key = ?");
    this.db.transaction(() => {
      for (const key of questionKeys) drop.run(run, key);
    })();
  }

  answers(run: string): Map<string, AnswerRow> {
    const rows = this.db.prepare("SELECT question_key, inputs, answer, raw FROM answers WHERE run = ?").all(run) as { question_key: string; inputs: string; answer: string; raw: string }[];
    return new Map(rows.map((row) => [row.question_key, { inputs: JSON.parse(row.inputs), answer: row.answer, raw: row.raw }]));
  }
}
