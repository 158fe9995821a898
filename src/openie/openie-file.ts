import { writeOutputFile } from "../core/write-output-file.js";
import { InputError, usageError } from "../core/errors.js";
import { passageId, pyStr } from "../core/ids.js";
import { pyJsonDumps } from "../core/py-json.js";
import { readJsonFile } from "../core/read-json-file.js";
import { ILL_FORMED_PROBLEM, illFormedPath } from "../core/well-formed.js";
import { typeName } from "../datasets/load-corpus.js";
import { splitPassage } from "../store/passage-store.js";
import type { Workspace } from "../store/workspace.js";
import type { OpenIEStore } from "../store/openie-store.js";

export interface ImportSummary {
  file: string;
  model: string;
  docs: number;
  /** Passages the workspace did not know yet. */
  newPassages: number;
  /** Finished results replaced by different ones from the file (an index built on them is then rebuilt). */
  replaced: number;
  /** Finished results the file holds unchanged. */
  unchanged: number;
  /**
   * Finished results kept where the file has no entities and no triples: upstream writes that for an
   * extraction that failed, so it never undoes one (unless `force`).
   */
  emptyKept: number;
  /**
   * Results stored from docs with no entities and no triples, where the passage had no finished
   * result: upstream writes that for a failed extraction too, and uses them as they are (passages
   * without phrases), so they are stored as finished, and said.
   */
  emptyStored: number;
}

/**
 * `openie_results_ner_<llm>.json` → `<llm>`. Upstream writes the model name with "/" as "_", so
 * `…_meta-llama_Llama-3.3-70B-Instruct.json` is the OpenIE of `meta-llama/Llama-3.3-70B-Instruct`:
 * when one of `known` (the models the command was given) is spelled so, that name is returned, and
 * the passages the file lacks are extracted with a model the server has.
 */
export function modelFromOpenIEFileName(path: string, known: readonly (string | undefined)[] = []): string | undefined {
  const match = /openie_results_ner_(.+)\.json$/.exec(path.split(/[\\/]/).pop() ?? "");
  if (!match) return undefined;
  return known.find((model) => model !== undefined && model.replaceAll("/", "_") === match[1]) ?? match[1];
}

/**
 * Imports an upstream OpenIE results file (spec §3.5). The passage id is recomputed from `passage`
 * as upstream does (a stored `idx` is ignored); bare NaN tokens written by Python are accepted.
 * Triples are kept exactly as in the file (wrong-arity ones included) so export round-trips;
 * indexing filters them as upstream's `reformat_openie_results` does.
 */
/** The records of an upstream OpenIE results file, validated (every problem names the record and field). */
export function readOpenIEFile(file: string): { passage: string; passageId: string; entities: string[]; triples: unknown[][] }[] {
  const data = readJsonFile(file, { allowNaN: true });
  if (typeof data !== "object" || data === null || !Array.isArray((data as Record<string, unknown>).docs)) {
    throw new InputError('expected an object with a "docs" list (upstream openie_results_ner_<llm>.json)', { file, field: "docs" });
  }
  const docs = (data as { docs: unknown[] }).docs;
  if (docs.length === 0) throw new InputError("no docs (empty list)", { file, field: "docs" });
  const records = docs.map((doc, index) => {
    const where = { file, record: index };
    if (typeof doc !== "object" || doc === null || Array.isArray(doc)) throw new InputError(`expected an object, got ${typeName(doc)}`, where);
    const illFormed = illFormedPath(doc);
    if (illFormed) throw new InputError(ILL_FORMED_PROBLEM, { ...where, field: illFormed });
    const { passage, extracted_entities: entities, extracted_triples: triples } = doc as Record<string, unknown>;
    if (typeof passage !== "string" || passage === "") {
      throw new InputError(passage === undefined ? "missing" : `expected a non-empty string, got ${typeName(passage)}`, { ...where, field: "passage" });
    }
    if (!Array.isArray(entities)) throw new InputError(`expected a list of strings, got ${typeName(entities)}`, { ...where, field: "extracted_entities" });
    entities.forEach((entity, i) => {
      if (typeof entity !== "string" && typeof entity !== "number") {
        throw new InputError(`item ${i}: expected a string, got ${typeName(entity)}`, { ...where, field: "extracted_entities" });
      }
    });
    if (!Array.isArray(triples)) throw new InputError(`expected a list of [subject, predicate, object], got ${typeName(triples)}`, { ...where, field: "extracted_triples" });
    triples.forEach((triple, i) => {
      if (!Array.isArray(triple)) throw new InputError(`item ${i}: expected a list, got ${typeName(triple)}`, { ...where, field: "extracted_triples" });
      triple.forEach((part, j) => {
        if (typeof part === "object" && part !== null) {
          throw new InputError(`item ${i}, element ${j}: expected a string, got ${typeName(part)}`, { ...where, field: "extracted_triples" });
        }
      });
    });
    // Python's str() (upstream): a NaN read from the file becomes "nan", not "NaN" or "None".
    // JSON has no NaN: a NaN element is stored as upstream's str() of it ("nan"), not as null ("None").
    const stored = (triples as unknown[][]).map((triple) => triple.map((part) => (typeof part === "number" && !Number.isFinite(part) ? pyStr(part) : part)));
    return { passage, passageId: passageId(passage), entities: [...new Set(entities.map(pyStr))], triples: stored };
  });
  // A passage twice with two different non-empty results: which one is right is not the import's to
  // guess (the later one silently replaced the earlier). The same result twice, or an empty one
  // (upstream's mark of a failed extraction, see importOpenIEFile), is fine.
  const first = new Map<string, number>();
  records.forEach((record, index) => {
    const earlier = first.get(record.passageId);
    if (earlier === undefined) {
      if (record.entities.length || record.triples.length) first.set(record.passageId, index);
      return;
    }
    if (!record.entities.length && !record.triples.length) return;
    const before = records[earlier]!;
    const field = JSON.stringify(before.triples) !== JSON.stringify(record.triples) ? "extracted_triples" : JSON.stringify(before.entities) !== JSON.stringify(record.entities) ? "extracted_entities" : undefined;
    if (field) {
      throw new InputError(`passage ${JSON.stringify(splitPassage(record.passage).title)} appears again with other results (also record ${earlier}); keep one of them: nothing was imported`, { file, record: index, field });
    }
  });
  return records;
}

type OpenIERecord = ReturnType<typeof readOpenIEFile>[number];

/**
 * What importing these records changes, computed without writing (run --dry-run asks it too).
 * Same content as a finished result: nothing to write. Different: replaced, and said so, except by
 * an empty result (upstream's mark of a failed extraction), which would undo the finished one.
 */
export function planImport(
  records: readonly OpenIERecord[],
  existing: ReadonlyMap<string, { status: string; entities?: unknown; triples?: unknown }>,
  force?: boolean,
): { changed: OpenIERecord[]; replaced: number; unchanged: number; emptyKept: number } {
  let replaced = 0;
  let unchanged = 0;
  let emptyKept = 0;
  // A passage twice in the file: the later doc wins as before, except an empty one over a non-empty one.
  const isEmpty = (r: { entities: unknown[]; triples: unknown[] }) => r.entities.length === 0 && r.triples.length === 0;
  const last = new Map<string, OpenIERecord>();
  for (const r of records) {
    const earlier = last.get(r.passageId);
    if (earlier && !force && isEmpty(r) && !isEmpty(earlier)) {
      emptyKept++;
      continue;
    }
    last.set(r.passageId, r);
  }
  const changed = [...last.values()].filter((r) => {
    const before = existing.get(r.passageId);
    if (before?.status !== "done") return true;
    if (JSON.stringify(before.entities) === JSON.stringify(r.entities) && JSON.stringify(before.triples) === JSON.stringify(r.triples)) {
      unchanged++;
      return false;
    }
    if (!force && isEmpty(r)) {
      emptyKept++;
      return false;
    }
    replaced++;
    return true;
  });
  return { changed, replaced, unchanged, emptyKept };
}

export function importOpenIEFile(workspace: Workspace, store: OpenIEStore, file: string, options: { force?: boolean } = {}): ImportSummary {
  const records = readOpenIEFile(file);
  const newPassages = workspace.passages.insert(records.map((r) => ({ id: r.passageId, content: r.passage, ...splitPassage(r.passage) })),
  );
  const { changed, replaced, unchanged, emptyKept } = planImport(records, store.all(), options.force);
  store.saveMany(changed, `import:${file.split(/[\\/]/).pop()}`);
  const emptyStored = changed.filter((r) => r.entities.length === 0 && r.triples.length === 0).length;
  return { file, model: store.model, docs: records.length, newPassages, replaced, unchanged, emptyKept, emptyStored };
}

/** What an import stored that may be a failed extraction (empty when nothing). */
export function emptyStoredLine(summary: ImportSummary): string {
  return summary.emptyStored
    ? `${summary.emptyStored} of the docs ha${summary.emptyStored === 1 ? "s" : "ve"} no entities and no triples (what upstream writes for a failed extraction): stored as finished, as upstream uses them; their passages join the graph without phrases`
    : "";
}

/** What an import left out, for the user (empty when nothing). */
export function emptyKeptLine(summary: ImportSummary, force: string): string {
  return summary.emptyKept ? `${summary.emptyKept} empty result${summary.emptyKept === 1 ? "" : "s"} (upstream's mark of a failed extraction) left out: the finished ones are kept; ${force}` : "";
}

/**
 * Writes the upstream results format (Python `json.dump` style: ASCII-escaped, ", " / ": "), docs
 * in workspace passage order, for the given passages (default: every finished one).
 */
/**
 * Writes the finished results of `store` (of `onlyPassageIds`, when given) as upstream's OpenIE file.
 * Nothing finished is refused, naming the model, and the file is left as it was: an empty list
 * written over an earlier export loses it.
 */
export function exportOpenIEFile(workspace: Workspace, store: OpenIEStore, file: string, onlyPassageIds?: ReadonlySet<string>, emptyHint?: string): { docs: number } {
  const records = store.all();
  const rows = workspace.passages.all();
  const docs: Record<string, unknown>[] = [];
  const entityLengths: number[] = [];
  const entityWords: number[] = [];
  for (const row of rows) {
    const record = records.get(row.id);
    if (!record || record.status !== "done" || (onlyPassageIds && !onlyPassageIds.has(row.id))) continue;
    const entities = record.entities ?? [];
    for (const entity of entities) {
      entityLengths.push(entity.length);
      entityWords.push(entity.split(/\s+/).filter(Boolean).length);
    }
    docs.push({ idx: row.id, passage: row.content, extracted_entities: entities, extracted_triples: record.triples ?? [] });
  }
  if (docs.length === 0) throw usageError(`no finished OpenIE results of model ${store.model} for these passages; ${file} is left as it was`, emptyHint ?? "check the model (--llm-name) and the dataset");
  const mean = (values: number[]) => (values.length ? Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 10_000) / 10_000 : 0);
  writeOutputFile(file, pyJsonDumps({ docs, avg_ent_chars: mean(entityLengths), avg_ent_words: mean(entityWords) }));
  return { docs: docs.length };
}
