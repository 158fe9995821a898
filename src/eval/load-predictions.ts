import { InputError } from "../core/errors.js";
import { readJsonFile } from "../core/read-json-file.js";
import type { Question } from "../datasets/dataset-types.js";
import { typeName } from "../datasets/load-corpus.js";
import type { EvalItem } from "./evaluate.js";

export interface Prediction {
  key: string;
  docs?: string[];
  answer?: string;
}

/**
 * Reads an external system's output: a JSON array of `{question | id, docs?: string[], answer?: string}`.
 * `docs` are ranked passage strings `title\ntext`.
 */
export function loadPredictions(path: string): Prediction[] {
  const data = readJsonFile(path);
  if (!Array.isArray(data)) throw new InputError("expected a JSON array of {question|id, docs, answer}", { file: path });
  if (data.length === 0) throw new InputError("no predictions (empty array)", { file: path });
  return data.map((record, index) => {
    const where = { file: path, record: index };
    if (typeof record !== "object" || record === null || Array.isArray(record)) {
      throw new InputError(`expected an object, got ${typeName(record)}`, where);
    }
    const { question, id, docs, answer } = record as Record<string, unknown>;
    let key: string;
    if (id !== undefined) {
      if (typeof id !== "string" && typeof id !== "number") throw new InputError(`expected a string, got ${typeName(id)}`, { ...where, field: "id" });
      key = `id:${id}`;
    } else if (typeof question === "string") {
      key = `q:${question}`;
    } else {
      throw new InputError(question === undefined ? 'missing (give "question" or "id")' : `expected a string, got ${typeName(question)}`, { ...where, field: "question" });
    }
    if (docs !== undefined) {
      if (!Array.isArray(docs)) throw new InputError(`expected a list of passage strings, got ${typeName(docs)}`, { ...where, field: "docs" });
      docs.forEach((doc, i) => {
        if (typeof doc !== "string") throw new InputError(`item ${i}: expected a string "title\\ntext", got ${typeName(doc)}`, { ...where, field: "docs" });
      });
    }
    if (answer !== undefined && typeof answer !== "string") {
      throw new InputError(`expected a string, got ${typeName(answer)}`, { ...where, field: "answer" });
    }
    return { key, docs: docs as string[] | undefined, answer: answer as string | undefined };
  });
}

/** Pairs predictions with the dataset's questions by id (or question text); every prediction must match one. */
export function matchPredictions(predictions: readonly Prediction[], questions: readonly Question[], file: string): EvalItem[] {
  const byKey = new Map<string, Question>();
  for (const question of questions) {
    byKey.set(`id:${question.id}`, question);
    if (!byKey.has(`q:${question.question}`)) byKey.set(`q:${question.question}`, question);
  }
  const used = new Map<string, number>();
  const hasDocs = predictions.some((p) => p.docs !== undefined);
  const hasAnswer = predictions.some((p) => p.answer !== undefined);
  return predictions.map((prediction, index) => {
    const question = byKey.get(prediction.key);
    const field = prediction.key.startsWith("id:") ? "id" : "question";
    if (!question) {
      throw new InputError(`no question in the dataset matches ${field} "${prediction.key.slice(prediction.key.indexOf(":") + 1)}"`, { file, record: index, field });
    }
    const previous = used.get(question.id);
    if (previous !== undefined) throw new InputError(`duplicate prediction for question "${question.id}" (also record ${previous})`, { file, record: index, field });
    used.set(question.id, index);
    if (hasDocs && prediction.docs === undefined) throw new InputError('missing (other records have "docs")', { file, record: index, field: "docs" });
    if (hasAnswer && prediction.answer === undefined) throw new InputError('missing (other records have "answer")', { file, record: index, field: "answer" });
    return { docs: prediction.docs, goldDocs: question.goldDocs, answer: prediction.answer, goldAnswers: question.goldAnswers };
  });
}
