import { InputError } from "../core/errors.js";
import { readJsonFile } from "../core/read-json-file.js";
import { ILL_FORMED_PROBLEM, illFormedPath } from "../core/well-formed.js";
import type { Question } from "./dataset-types.js";
import { typeName } from "./load-corpus.js";

/**
 * Reads `<name>.json` questions in any upstream style and builds gold answers and gold passages
 * exactly as upstream's `get_gold_answers` / `get_gold_docs` do (spec §9):
 * - MuSiQue (`paragraphs` with `text` or `paragraph_text`, `is_supporting`; a missing flag counts as true),
 * - HotpotQA / 2Wiki (`supporting_facts` + `context`; sentences joined with "" for hotpotqa*, " " otherwise),
 * - `contexts` (items with `is_supporting`),
 * - the sample style (`answer` as a list).
 */
export function loadQuestions(path: string, datasetName: string): Question[] {
  const data = readJsonFile(path);
  return questionsFromRecords(data, path, datasetName);
}

export function questionsFromRecords(data: unknown, file: string, datasetName: string): Question[] {
  if (!Array.isArray(data)) throw new InputError("expected a JSON array of question objects", { file });
  if (data.length === 0) throw new InputError("no questions (empty array)", { file });
  const ids = new Map<string, number>();
  return data.map((record, index) => {
    const where = { file, record: index };
    if (typeof record !== "object" || record === null || Array.isArray(record)) {
      throw new InputError(`expected an object, got ${typeName(record)}`, where);
    }
    const sample = record as Record<string, unknown>;
    const illFormed = illFormedPath(sample);
    if (illFormed) throw new InputError(ILL_FORMED_PROBLEM, { ...where, field: illFormed });
    if (typeof sample.question !== "string" || sample.question.trim() === "") {
      throw new InputError(sample.question === undefined ? "missing" : "expected a non-empty string", {
        ...where,
        field: "question",
      });
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
    return {
      id,
      question: sample.question,
      goldAnswers: goldAnswers(sample, file, index),
      goldDocs: goldDocs(sample, file, index, datasetName),
    };
  });
}

function goldAnswers(sample: Record<string, unknown>, file: string, record: number): string[] {
  let raw: unknown;
  let field: string;
  if ("answer" in sample || "gold_ans" in sample) {
    field = "answer" in sample ? "answer" : "gold_ans";
    raw = sample[field];
  } else if ("reference" in sample) {
    field = "reference";
    raw = sample.reference;
  } else if ("obj" in sample) {
    // PopQA: obj + possible_answers (a JSON-encoded list) + o_wiki_title + o_aliases.
    field = "obj";
    raw = [sample.obj, sample.possible_answers, sample.o_wiki_title, sample.o_aliases].flatMap(flattenAnswers);
  } else {
    throw new InputError('missing (expected "answer", "gold_ans", "reference" or PopQA\'s "obj")', {
      file,
      record,
      field: "answer",
    });
  }
  const list = typeof raw === "string" ? [raw] : raw;
  if (!Array.isArray(list)) throw new InputError(`expected a string or a list of strings, got ${typeName(raw)}`, { file, record, field });
  const answers = new Set<string>();
  list.forEach((answer, i) => {
    if (typeof answer === "number") answers.add(String(answer));
    else if (typeof answer === "string") answers.add(answer);
    else throw new InputError(`item ${i}: expected a string, got ${typeName(answer)}`, { file, record, field });
  });
  if ("answer_aliases" in sample) {
    const aliases = sample.answer_aliases;
    if (!Array.isArray(aliases)) {
      throw new InputError(`expected a list of strings, got ${typeName(aliases)}`, { file, record, field: "answer_aliases" });
    }
    aliases.forEach((alias, i) => {
      if (typeof alias !== "string") {
        throw new InputError(`item ${i}: expected a string, got ${typeName(alias)}`, { file, record, field: "answer_aliases" });
      }
      answers.add(alias);
    });
  }
  return [...answers];
}

function flattenAnswers(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value;
  if (typeof value === "string" && value.startsWith("[")) {
    try {
      const parsed: unknown = JSON.parse(value);
      if (Array.isArray(parsed)) return parsed;
    } catch {
      /* a plain string that happens to start with "[" */
    }
  }
  return [value];
}

function goldDocs(sample: Record<string, unknown>, file: string, record: number, datasetName: string): string[] {
  const docs: string[] = [];
  if ("supporting_facts" in sample) {
    const facts = sample.supporting_facts;
    if (!Array.isArray(facts)) throw new InputError(`expected a list of [title, sentence_index], got ${typeName(facts)}`, { file, record, field: "supporting_facts" });
    const titles = new Set(facts.map((fact, i) => {
      const title = Array.isArray(fact) ? fact[0] : undefined;
      if (typeof title !== "string") throw new InputError(`item ${i}: expected [title, sentence_index]`, { file, record, field: "supporting_facts" });
      return title;
    }));
    const context = sample.context;
    if (!Array.isArray(context)) throw new InputError(`expected a list of [title, [sentences]], got ${typeName(context)}`, { file, record, field: "context" });
    const joiner = datasetName.startsWith("hotpotqa") ? "" : " ";
    context.forEach((item, i) => {
      const [title, sentences] = Array.isArray(item)
        ? item
        : typeof item === "object" && item !== null
          ? [(item as Record<string, unknown>).title, (item as Record<string, unknown>).sentences]
          : [undefined, undefined];
      if (typeof title !== "string" || !Array.isArray(sentences) || sentences.some((s) => typeof s !== "string")) {
        throw new InputError(`item ${i}: expected [title, [sentences]]`, { file, record, field: "context" });
      }
      if (titles.has(title)) docs.push(`${title}\n${(sentences as string[]).join(joiner)}`);
    });
  } else if ("contexts" in sample) {
    const contexts = sample.contexts;
    if (!Array.isArray(contexts)) throw new InputError(`expected a list, got ${typeName(contexts)}`, { file, record, field: "contexts" });
    contexts.forEach((item, i) => {
      const { title, text, is_supporting: supporting } = (item ?? {}) as Record<string, unknown>;
      if (typeof title !== "string" || typeof text !== "string") {
        throw new InputError(`item ${i}: expected {title, text, is_supporting}`, { file, record, field: "contexts" });
      }
      if (supporting) docs.push(`${title}\n${text}`);
    });
  } else if ("paragraphs" in sample) {
    const paragraphs = sample.paragraphs;
    if (!Array.isArray(paragraphs)) throw new InputError(`expected a list, got ${typeName(paragraphs)}`, { file, record, field: "paragraphs" });
    paragraphs.forEach((item, i) => {
      if (typeof item !== "object" || item === null) {
        throw new InputError(`item ${i}: expected an object`, { file, record, field: "paragraphs" });
      }
      const paragraph = item as Record<string, unknown>;
      if (paragraph.is_supporting === false) return;
      const text = "text" in paragraph ? paragraph.text : paragraph.paragraph_text;
      if (typeof paragraph.title !== "string" || typeof text !== "string") {
        throw new InputError(`item ${i}: expected "title" and "text" (or "paragraph_text") strings`, { file, record, field: "paragraphs" });
      }
      docs.push(`${paragraph.title}\n${text}`);
    });
  }
  // No gold passages at all is allowed (QA-only datasets); Recall then counts 0, as upstream.
  return [...new Set(docs)];
}
