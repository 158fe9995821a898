import { InputError } from "../core/errors.js";
import { passageId } from "../core/ids.js";
import { readJsonFile } from "../core/read-json-file.js";
import { ILL_FORMED_PROBLEM, illFormedPath } from "../core/well-formed.js";
import type { Passage } from "./dataset-types.js";
import { TITLE_LINE_BREAK_PROBLEM, titleHasLineBreak } from "./title-line-break.js";
import { typeName } from "./type-name.js";

export { typeName };

/** Upper bound on one passage: a 1 MB passage is almost always a broken export, and it would blow the LLM context. */
export const MAX_PASSAGE_CHARS = 200_000;

/**
 * Reads `<name>_corpus.json`: a JSON array of `{title, text, idx?}`. Passages are `title\ntext`; exact
 * duplicates collapse to one id (upstream `insert_strings` does the same); `onDuplicate` hears the
 * index of each record dropped so, so the caller can say so.
 */
export function loadCorpus(path: string, onDuplicate?: (record: number) => void): Passage[] {
  const data = readJsonFile(path);
  return corpusFromRecords(data, path, onDuplicate);
}

export function corpusFromRecords(data: unknown, file: string, onDuplicate?: (record: number) => void): Passage[] {
  if (!Array.isArray(data)) throw new InputError("expected a JSON array of {title, text} objects", { file });
  if (data.length === 0) throw new InputError("the corpus is empty (no passages)", { file });
  const seen = new Set<string>();
  const passages: Passage[] = [];
  data.forEach((record, index) => {
    if (typeof record !== "object" || record === null || Array.isArray(record)) {
      throw new InputError("expected an object with \"title\" and \"text\"", { file, record: index });
    }
    const illFormed = illFormedPath(record);
    if (illFormed) throw new InputError(ILL_FORMED_PROBLEM, { file, record: index, field: illFormed });
    const { title, text } = record as Record<string, unknown>;
    if (typeof title !== "string") {
      throw new InputError(title === undefined ? "missing" : `expected a string, got ${typeName(title)}`, {
        file,
        record: index,
        field: "title",
      });
    }
    if (typeof text !== "string") {
      throw new InputError(text === undefined ? "missing" : `expected a string, got ${typeName(text)}`, {
        file,
        record: index,
        field: "text",
      });
    }
    if (title.trim() === "" && text.trim() === "") {
      throw new InputError("empty passage (title and text are both empty)", { file, record: index, field: "text" });
    }
    if (titleHasLineBreak(title)) throw new InputError(TITLE_LINE_BREAK_PROBLEM, { file, record: index, field: "title" });
    const content = `${title}\n${text}`;
    if (content.length > MAX_PASSAGE_CHARS) {
      throw new InputError(`passage is ${content.length} characters, more than the ${MAX_PASSAGE_CHARS} allowed; split it into chunks`, {
        file,
        record: index,
        field: "text",
      });
    }
    const id = passageId(content);
    if (seen.has(id)) {
      onDuplicate?.(index);
      return;
    }
    seen.add(id);
    passages.push({ id, title, text, content });
  });
  return passages;
}
