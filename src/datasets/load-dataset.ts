import { existsSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { paperDatasetKey } from "../eval/paper-numbers.js";
import { InputError } from "../core/errors.js";
import type { Dataset, Passage, Question } from "./dataset-types.js";
import { documentsToPassages, type Chunking } from "./documents-to-passages.js";
import { loadCorpus } from "./load-corpus.js";
import { loadDocuments } from "./load-documents.js";
import { loadQuestionsWithNotes } from "./load-questions.js";
import { plural } from "../core/plural.js";

export const DEFAULT_DATASET_DIR = "reproduce/dataset";

export interface LoadDatasetOptions {
  requireQuestions?: boolean;
  /** Read passages from this file or folder instead of `<dir>/<name>_corpus.json` (see `loadDocuments`). */
  corpus?: string;
  /** The questions file for a `corpus`; default `<name>.json` beside a `*_corpus.json`, else in `dir`. */
  questions?: string;
  /** Split long passages (only with `corpus`). */
  chunking?: Chunking;
}

export function datasetPaths(name: string, dir: string): { corpusPath: string; questionsPath: string } {
  return { corpusPath: join(dir, `${name}_corpus.json`), questionsPath: join(dir, `${name}.json`) };
}

/** The name a corpus path gives a dataset: `x_corpus.json` → x, `x.jsonl` → x, folder `x/` → x (other characters become "_"). */
export function datasetNameFromCorpus(path: string): string {
  const base = basename(path.replace(/[\\/]+$/, "")).replace(/(_corpus)?\.jsonl?$/, "");
  return base.replace(/[^A-Za-z0-9_.-]/g, "_") || "corpus";
}

/** Exact duplicates are indexed once (as upstream): said, so a count that differs from the file's is explained. */
/** "<file>: N records repeat an earlier passage … (record 3, record 9, …)": which file, how many, and the first five. */
function duplicatesNote(file: string, where: readonly string[], what: "record" | "document" | "chunk"): string {
  const count = where.length;
  return `${file}: ${count} ${what}${count === 1 ? " repeats" : "s repeat"} an earlier passage exactly (same title and text): indexed once, as upstream (${where.slice(0, 5).join(", ")}${count > 5 ? `, … ${count - 5} more` : ""})`;
}

/**
 * Loads `<dir>/<name>_corpus.json` and, when present (or required), `<dir>/<name>.json`; or, with
 * `corpus`, the documents there (chunked when asked) and the questions that go with them.
 * A corpus-only dataset (no questions file) is fine for `openie` and `index`.
 */
export function loadDataset(name: string, dir: string, options: LoadDatasetOptions = {}): Dataset {
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) {
    throw new InputError(`invalid dataset name "${name}" (letters, digits, "_", "-", "." only)`, {}, {
      suggestion: "Pass the name without the _corpus.json suffix, e.g. --dataset musique",
    });
  }
  const notes: string[] = [];
  let corpusPath: string;
  let questionsPath: string;
  let passages;
  if (options.corpus) {
    corpusPath = options.corpus;
    const base = datasetNameFromCorpus(options.corpus);
    const beside = options.corpus.endsWith("_corpus.json") ? join(dirname(options.corpus), `${base}.json`) : undefined;
    questionsPath = options.questions ?? (beside && existsSync(beside) ? beside : join(dir, `${base}.json`));
    if (options.questions && !existsSync(options.questions)) throw new InputError("file not found", { file: options.questions });
    const loaded = loadDocuments(options.corpus);
    notes.push(...loaded.notes);
    const converted = documentsToPassages(loaded.documents, options.corpus, options.chunking);
    passages = converted.passages;
    if (converted.duplicates.length) notes.push(duplicatesNote(options.corpus, converted.duplicates, options.chunking ? "chunk" : "document"));
    if (options.chunking) {
      notes.push(`${plural(loaded.documents.length, "document")} → ${plural(passages.length, "passage")} (${converted.split} split into chunks of ≤ ${options.chunking.maxTokens} tokens, overlap ${options.chunking.overlapTokens}, tokens counted by ${options.chunking.counter.id})`);
    }
  } else {
    ({ corpusPath, questionsPath } = datasetPaths(name, dir));
    // --questions names the questions of a named dataset too (its <name>.json otherwise).
    if (options.questions) {
      if (!existsSync(options.questions)) throw new InputError("file not found", { file: options.questions });
      questionsPath = options.questions;
    }
    if (!existsSync(corpusPath)) {
      throw new InputError(`dataset "${name}" not found: no ${corpusPath}`, {}, {
        // The pull command only for a name of the paper's datasets: "demo" (the README's) is no Hub dataset.
        suggestion: paperDatasetKey(name) || name === "sample"
          ? `hipporag datasets pull ${name}${dir === DEFAULT_DATASET_DIR ? "" : ` --dataset-dir ${dir}`} fetches the paper's datasets; for your own, put ${name}_corpus.json (and ${name}.json for questions) in ${dir}, or pass --corpus`
          : `is ${dir} the folder it is in? For your own dataset, put ${name}_corpus.json (and ${name}.json for questions) in ${dir}, or pass --corpus; hipporag datasets list shows the paper's`,
      });
    }
    const dropped: number[] = [];
    passages = loadCorpus(corpusPath, (record) => dropped.push(record));
    if (dropped.length) notes.push(duplicatesNote(corpusPath, dropped.map((record) => `record ${record}`), "record"));
  }
  const hasQuestions = existsSync(questionsPath);
  if (!hasQuestions && options.requireQuestions) {
    throw new InputError(`dataset "${name}" has no questions file ${questionsPath}`, {}, {
      suggestion: options.corpus ? "pass --questions FILE with the questions for this corpus" : "This command needs questions; add the questions file or pass --predictions for eval",
    });
  }
  const questions = hasQuestions ? loadQuestionsWithNotes(questionsPath, options.corpus ? datasetNameFromCorpus(options.corpus) : name) : undefined;
  if (questions) notes.push(...questions.notes);
  if (questions && options.chunking && questions.questions.some((q) => q.goldDocs.length > 0)) notes.push("gold passages are whole passages: with --chunk-tokens only passages left unsplit can match, so Recall@k understates retrieval (EM/F1 are unaffected)");
  const unmatchedGold = questions && !options.chunking ? unmatchedGoldNote(questions.questions, passages, questionsPath, corpusPath) : undefined;
  if (unmatchedGold) notes.push(unmatchedGold);
  return {
    name,
    corpusPath,
    questionsPath: hasQuestions ? questionsPath : undefined,
    passages,
    questions: questions?.questions ?? [],
    notes,
    ...(unmatchedGold ? { unmatchedGold } : {}),
  };
}

/**
 * Recall@k matches a gold passage to a retrieved one by exact content (title and text), as upstream;
 * a gold passage no corpus passage equals (a typo, an edited or missing passage) is a silent 0.
 */
function unmatchedGoldNote(questions: readonly Question[], passages: readonly Passage[], questionsPath: string, corpusPath: string): string | undefined {
  const contents = new Set(passages.map((p) => p.content));
  let gold = 0;
  let unmatched = 0;
  const affected: { id: string; titles: string[] }[] = [];
  for (const question of questions) {
    const missing = question.goldDocs.filter((doc) => !contents.has(doc));
    gold += question.goldDocs.length;
    unmatched += missing.length;
    if (missing.length > 0) affected.push({ id: question.id, titles: missing.map((doc) => JSON.stringify(doc.slice(0, Math.max(0, doc.indexOf("\n"))))) });
  }
  if (unmatched === 0) return undefined;
  const examples = affected.slice(0, 3).map((q) => `question ${q.id}: ${q.titles.slice(0, 3).join(", ")}${q.titles.length > 3 ? ", …" : ""}`);
  return `${questionsPath}: ${unmatched} of ${gold} gold passages (in ${affected.length} of ${questions.length} questions) match no passage of ${corpusPath} exactly (title and text): they can never be retrieved, so Recall@k counts them as missed (${examples.join("; ")}${affected.length > 3 ? "; …" : ""})`;
}
