import { pyTruthy } from "../../core/python-builtins.js";
import { InputError } from "../../core/errors.js";
import { typeName } from "../type-name.js";
import type { RecordPlace } from "./dataset-format.js";

/**
 * The three ways upstream's `get_gold_docs` reads gold passages (spec §9), shared by the styles that
 * use them. Every result is an exact `title\ntext` string, because titles repeat in a corpus.
 */

/** HotpotQA / 2Wiki: the `context` items whose title is in `supporting_facts`, sentences joined by `joiner`. */
export function supportingFactsDocs(sample: Record<string, unknown>, where: RecordPlace, joiner: string): string[] {
  const { file, record } = where;
  const facts = sample.supporting_facts;
  if (!Array.isArray(facts)) throw new InputError(`expected a list of [title, sentence_index], got ${typeName(facts)}`, { file, record, field: "supporting_facts" });
  const titles = new Set(facts.map((fact, i) => {
    const title = Array.isArray(fact) ? fact[0] : undefined;
    if (typeof title !== "string") throw new InputError(`item ${i}: expected [title, sentence_index]`, { file, record, field: "supporting_facts" });
    return title;
  }));
  const context = sample.context;
  if (!Array.isArray(context)) throw new InputError(`expected a list of [title, [sentences]], got ${typeName(context)}`, { file, record, field: "context" });
  const docs: string[] = [];
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
  return [...new Set(docs)];
}

/** NQ (`contexts`): the items with a truthy `is_supporting` (Python's truthiness, as upstream). */
export function contextsDocs(sample: Record<string, unknown>, where: RecordPlace): string[] {
  const { file, record } = where;
  const contexts = sample.contexts;
  if (!Array.isArray(contexts)) throw new InputError(`expected a list, got ${typeName(contexts)}`, { file, record, field: "contexts" });
  const docs: string[] = [];
  contexts.forEach((item, i) => {
    const { title, text, is_supporting: supporting } = (item ?? {}) as Record<string, unknown>;
    if (typeof title !== "string" || typeof text !== "string") {
      throw new InputError(`item ${i}: expected {title, text, is_supporting}`, { file, record, field: "contexts" });
    }
    if (pyTruthy(supporting)) docs.push(`${title}\n${text}`);
  });
  return [...new Set(docs)];
}

/** MuSiQue (`paragraphs`): every item without `is_supporting` or with a truthy one, with `text` or `paragraph_text`. */
export function paragraphsDocs(sample: Record<string, unknown>, where: RecordPlace): string[] {
  const { file, record } = where;
  const paragraphs = sample.paragraphs;
  if (!Array.isArray(paragraphs)) throw new InputError(`expected a list, got ${typeName(paragraphs)}`, { file, record, field: "paragraphs" });
  const docs: string[] = [];
  paragraphs.forEach((item, i) => {
    if (typeof item !== "object" || item === null) {
      throw new InputError(`item ${i}: expected an object`, { file, record, field: "paragraphs" });
    }
    const paragraph = item as Record<string, unknown>;
    // upstream: item.get("is_supporting", True), taken by Python's truthiness (0 and null are not supporting)
    if ("is_supporting" in paragraph && !pyTruthy(paragraph.is_supporting)) return;
    const text = "text" in paragraph ? paragraph.text : paragraph.paragraph_text;
    if (typeof paragraph.title !== "string" || typeof text !== "string") {
      throw new InputError(`item ${i}: expected "title" and "text" (or "paragraph_text") strings`, { file, record, field: "paragraphs" });
    }
    docs.push(`${paragraph.title}\n${text}`);
  });
  return [...new Set(docs)];
}
