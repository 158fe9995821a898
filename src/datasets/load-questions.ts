import { InputError } from "../core/errors.js";
import { readJsonFile } from "../core/read-json-file.js";
import { ILL_FORMED_PROBLEM, illFormedPath } from "../core/well-formed.js";
import type { Question } from "./dataset-types.js";
import { detectFormat } from "./formats/registry.js";
import { typeName } from "./type-name.js";
import { plural } from "../core/plural.js";

/** Questions plus what the loader could not use, for people (e.g. "lveval: no gold passages"). */
export interface LoadedQuestions {
  questions: Question[];
  /** Records per recognised style, e.g. { musique: 50 }. */
  formats: Record<string, number>;
  notes: string[];
}

/**
 * Reads `<name>.json` questions in any upstream style. Each record is read by the first style of
 * `formats/registry.ts` that recognises it, which builds gold answers and gold passages exactly as
 * upstream's `get_gold_answers` / `get_gold_docs` do (spec §9).
 */
/** The fields any question style reads its gold answers from (formats/gold-answers.ts and the styles' extras). */
const ANSWER_FIELDS = ["answer", "gold_ans", "reference", "obj", "possible_answers", "answers", "answer_aliases"];

export function loadQuestions(path: string, datasetName: string): Question[] {
  return loadQuestionsWithNotes(path, datasetName).questions;
}

export function loadQuestionsWithNotes(path: string, datasetName: string): LoadedQuestions {
  return readQuestionRecords(readJsonFile(path), path, datasetName);
}

export function questionsFromRecords(data: unknown, file: string, datasetName: string): Question[] {
  return readQuestionRecords(data, file, datasetName).questions;
}

export function readQuestionRecords(data: unknown, file: string, datasetName: string): LoadedQuestions {
  if (!Array.isArray(data)) throw new InputError("expected a JSON array of question objects", { file });
  if (data.length === 0) throw new InputError("no questions (empty array)", { file });
  const ids = new Map<string, number>();
  const formats: Record<string, number> = {};
  const unknownFields = new Map<string, number>();
  let withoutGold = 0;
  // Stored results are keyed by question text, so two ids with one text share a retrieval and answer.
  const texts = new Map<string, string>();
  const repeated: string[] = [];
  // A file in which no question has a gold answer (your own questions about your own documents,
  // bare strings allowed) is read as such: answers are generated, EM/F1 are not scored. A file in
  // which only some lack one is a mistake, named record by record as before.
  const samples = data.map((record) => (typeof record === "string" ? { question: record } : record) as unknown);
  const isObject = (sample: unknown): sample is Record<string, unknown> => typeof sample === "object" && sample !== null && !Array.isArray(sample);
  // Each record's style, detected once (undefined for a non-object, refused below).
  const detected = samples.map((sample) => (isObject(sample) ? detectFormat(sample, datasetName) : undefined));
  // Only in the generic style: a paper dataset's file without answers is a broken file, not a choice.
  const answerless = samples.every((sample, i) => isObject(sample) && detected[i]!.name === "qa-only" && !ANSWER_FIELDS.some((field) => field in sample));
  const questions = data.map((record, index) => {
    const where = { file, record: index };
    const sample = samples[index];
    if (!isObject(sample)) throw new InputError(`expected an object, got ${typeName(record)}`, where);
    const illFormed = illFormedPath(sample);
    if (illFormed) throw new InputError(ILL_FORMED_PROBLEM, { ...where, field: illFormed });
    const format = detected[index]!;
    formats[format.name] = (formats[format.name] ?? 0) + 1;
    for (const key of Object.keys(sample)) if (!format.understood.includes(key)) unknownFields.set(key, (unknownFields.get(key) ?? 0) + 1);
    const question = format.readQuestion ? format.readQuestion(sample) : sample.question;
    if (typeof question !== "string" || question.trim() === "") {
      throw new InputError(question === undefined ? "missing" : "expected a non-empty string", { ...where, field: "question" });
    }
    const rawId = sample.id ?? sample._id;
    if (rawId !== undefined && typeof rawId !== "string" && typeof rawId !== "number") {
      throw new InputError(`expected a string or number, got ${typeName(rawId)}`, { ...where, field: "id" });
    }
    const id = rawId === undefined ? String(index) : String(rawId);
    const previous = ids.get(id);
    if (previous !== undefined) {
      throw new InputError(`duplicate id "${id}" (also record ${previous})`, { ...where, field: "id" });
    }
    ids.set(id, index);
    const first = texts.get(question);
    if (first === undefined) texts.set(question, id);
    else repeated.push(`${id} = ${first}`);
    const goldAnswers = answerless ? [] : format.goldAnswers(sample, where);
    // No gold passages at all is allowed (QA-only datasets): Recall is then not scored; some without count 0, as upstream.
    const goldDocs = format.goldDocs(sample, where);
    if (goldDocs.length === 0) withoutGold++;
    return { id, question, goldAnswers, goldDocs };
  });
  const notes: string[] = [];
  if (answerless) notes.push(`${file}: no question has a gold answer: answers are generated and shown, EM/F1 not scored`);
  if (withoutGold > 0 && withoutGold === questions.length) {
    notes.push(`${file}: no question has gold passages (${describeFormats(formats)}): passages are retrieved and stored (run --show N prints them, retrieve --explain one question's, --predictions-out writes all), Recall@k not scored${answerless ? "" : "; EM/F1 still apply"}`);
  } else if (withoutGold > 0) {
    notes.push(`${withoutGold} of ${questions.length} questions have no gold passages (${describeFormats(formats)}): Recall@k counts them as 0, as upstream${answerless ? "" : "; EM/F1 still apply"}`);
  }
  // PopQA's possible_answers / o_aliases as JSON text (its original form) are compared whole, as upstream does.
  const jsonAliases = samples.filter((sample, i) => detected[i]?.name === "popqa" && !["answer", "gold_ans", "reference"].some((field) => field in (sample as object)) && ["possible_answers", "o_aliases"].some((field) => isJsonList((sample as Record<string, unknown>)[field]))).length;
  if (jsonAliases > 0) {
    notes.push(`${jsonAliases} of ${questions.length} questions give possible_answers or o_aliases as JSON text: each is one gold string, as upstream's get_gold_answers takes it, so only obj and o_wiki_title can match an answer (EM/F1 as the paper's code computes them; counting the aliases would score higher)`);
  }
  if (repeated.length > 0) {
    notes.push(`${repeated.length} question${repeated.length === 1 ? " repeats" : "s repeat"} an earlier question's text (ids ${repeated.slice(0, 3).join(", ")}${repeated.length > 3 ? ", …" : ""}): each is scored, with the one retrieval and answer that text gets`);
  }
  if (unknownFields.size > 0) {
    const list = [...unknownFields].map(([key, count]) => `"${key}" (${plural(count, "record")})`).join(", ");
    notes.push(`fields not understood and ignored: ${list}`);
  }
  return { questions, formats, notes };
}

function isJsonList(value: unknown): boolean {
  if (typeof value !== "string" || !value.startsWith("[")) return false;
  try {
    return Array.isArray(JSON.parse(value));
  } catch {
    return false;
  }
}

function describeFormats(formats: Record<string, number>): string {
  return Object.entries(formats).map(([name, count]) => `${name}: ${count}`).join(", ");
}
