import { InputError } from "../../core/errors.js";
import { typeName } from "../type-name.js";
import type { RecordPlace } from "./dataset-format.js";

/**
 * Upstream `get_gold_answers` (spec §9): `answer` (or `gold_ans`), else `reference`, else PopQA's
 * `obj` + `possible_answers` + `o_wiki_title` + `o_aliases` (JSON text kept whole, as upstream); a string becomes a one-element list; then
 * `answer_aliases` are added. `extra` names further list fields a style accepts when none of those is
 * present (e.g. LV-Eval's `answers`), read defensively.
 */
export function upstreamGoldAnswers(sample: Record<string, unknown>, where: RecordPlace, extra: readonly string[] = []): string[] {
  const { file, record } = where;
  let raw: unknown;
  let field: string;
  const fallback = extra.find((name) => name in sample);
  if ("answer" in sample || "gold_ans" in sample) {
    field = "answer" in sample ? "answer" : "gold_ans";
    raw = sample[field];
  } else if ("reference" in sample) {
    field = "reference";
    raw = sample.reference;
  } else if ("obj" in sample) {
    // PopQA: obj + possible_answers + o_wiki_title + o_aliases, each as it is (upstream's
    // set([obj] + [possible_answers] + …)): a JSON-encoded list stays one string, as upstream scores it,
    // so EM/F1 are the paper code's (load-questions notes it). A real list is flattened (upstream fails on it).
    field = "obj";
    raw = [sample.obj, sample.possible_answers, sample.o_wiki_title, sample.o_aliases].flatMap(flattenAnswers);
  } else if (fallback !== undefined) {
    field = fallback;
    raw = sample[fallback];
  } else {
    const also = extra.map((name) => `, "${name}"`).join("");
    throw new InputError(`missing (expected "answer", "gold_ans", "reference"${also} or PopQA's "obj")`, { file, record, field: "answer" });
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
  return [value];
}
