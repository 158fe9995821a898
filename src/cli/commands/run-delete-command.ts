import { installInterruptHandler } from "../interrupt.js";
import { InputError, usageError } from "../../core/errors.js";
import { readJsonFile } from "../../core/read-json-file.js";
import { toPassages, type DocInput } from "../../hipporag.js";
import { TITLE_LINE_BREAK_PROBLEM, titleHasLineBreak } from "../../datasets/title-line-break.js";
import { splitPassage } from "../../store/passage-store.js";
import type { CommonOptions } from "../common-options.js";
import { type EmbeddingCliOptions } from "../embedding-options.js";
import { isQuiet, type ResolvedCommon } from "../common-options.js";
import { plural, type Output } from "../output.js";

export interface DeleteOptions extends CommonOptions, EmbeddingCliOptions {
  llmName?: string;
  docs?: string;
  /** Titles whose indexed passages are all removed (instead of docs). */
  title?: string[];
  /** Remove the passages the index holds even when others of the file (or a title) are not in it (refused otherwise). */
  missingOk?: boolean;
}

/** `hipporag delete`: returns the exit code (only cli/main.ts ends the process). */
export async function runDeleteCommand(common: ResolvedCommon, raw: DeleteOptions, output: Output): Promise<number> {
  if (raw.docs !== undefined && raw.title !== undefined) throw usageError("pass --docs or --title, not both");
  if (raw.docs === undefined && raw.title === undefined) throw usageError("nothing to remove", "name the passages with --docs <file> or --title <title...>");
  const data = raw.docs === undefined ? undefined : readDocs(raw.docs);
  const { openHippo } = await import("../open-hippo.js");
  const hippo = await openHippo(common, raw, {}, { mustExist: true, noLlm: true, takesChunkFlags: false });
  try {
    // Deleting from an index that does not exist would create it (empty) and report that nothing remains.
    const index = hippo.memoryIndex();
    if (!hippo.workspace.indexes.get(index.id)) {
      // Index ids are "<openie model>|<encoder>[|f16]": the precision is part of what names an index.
      const held = hippo.workspace.indexes.all().map((row) => `${row.openieModel} | ${row.id.slice(row.openieModel.length + 1)}`);
      throw usageError(`no index of ${index.openieModel} with encoder ${index.embeddings.key} in ${common.saveDir} (it holds: ${held.join(", ") || "none"})`, "pass the --llm-name, --embedding-name (with its --instruction-format) and --vectors the index was built with");
    }
    const indexed = index.passageIds();
    const plan = data ? byDocs(data, raw.docs!, indexed, hippo.workspace.passages.contents(indexed)) : byTitles(raw.title!, hippo.workspace.passages.contents(indexed));
    if (plan.missing) {
      if (!raw.missingOk) throw plan.missing.refusal;
      output.stderr(`warning: ${plan.missing.said}`);
    }
    hippo.workspace.acquireWriterLock("delete");
    // Ctrl-C stops the rebuild before its commit (nothing removed) or the snapshot after it (removed,
    // and said): it no longer exits between the commit and the summary, leaving the user to guess.
    const interrupt = installInterruptHandler();
    const update = await hippo.delete(plan.contents, { signal: interrupt.signal }).finally(() => interrupt.dispose());
    // delete changes one index (the one the options name); others of the workspace keep the passages: said.
    const removedIds = new Set(toPassages(plan.contents).map((p) => p.id));
    const others = hippo.workspace.indexes.all().filter((row) => row.id !== index.id).map((row) => ({ index: row.id, passages: [...hippo.workspace.indexes.passages(row.id).keys()].filter((id) => removedIds.has(id)).length })).filter((o) => o.passages > 0);
    const report = { removed: update.removed, ...plan.counts, passagesBefore: indexed.length, ...update.stats, ...(others.length ? { otherIndexesHolding: others } : {}) };
    const notIndexed = plan.counts.notIndexed ? ` (${plan.counts.notIndexed} not indexed)` : "";
    const what = data ? `${update.removed} of ${plural(plan.counts.requested!, "passage")}${notIndexed}` : `${plural(update.removed, "passage")} of ${plural(plan.counts.titles!, "title")}${notIndexed}`;
    output.stdout(common.json ? JSON.stringify(report, null, 2) : `removed ${what}; ${plural(update.stats.passageNodes, "passage")}, ${plural(update.stats.phraseNodes, "phrase")}, ${plural(update.stats.facts, "fact")} remain`);
    // index makes the index what the corpus lists: a corpus that still lists them brings them back.
    if (others.length && !common.json) output.stderr(`note: ${others.length === 1 ? "another index of this workspace still holds" : `${others.length} other indexes of this workspace still hold`} them: ${others.map((o) => `${o.index} (${plural(o.passages, "passage")})`).join(", ")}; delete with the --llm-name, --embedding-name and --vectors of ${others.length === 1 ? "that index" : "each"} to remove them there`);
    if (update.removed > 0 && !isQuiet(common)) output.stderr("note: remove them from the corpus file too: index and retrieve take the corpus as what the index must hold (retrieve refuses an index that lacks some of it; index adds them back)");
  } finally {
    hippo.close();
  }
  return 0;
}

/** What to remove: passage contents, the counts the report gives, and what was asked for but is not indexed. */
interface DeletePlan {
  contents: string[];
  counts: { requested?: number; titles?: number; notIndexed: number };
  missing?: { said: string; refusal: Error };
}

function readDocs(file: string): unknown[] {
  const data = readJsonFile(file);
  if (!Array.isArray(data) || data.length === 0) throw new InputError("expected a non-empty JSON array of passages", { file });
  data.forEach((doc, i) => {
    const ok = typeof doc === "string" || (typeof doc === "object" && doc !== null && typeof doc.title === "string" && typeof doc.text === "string");
    if (!ok) throw new InputError('expected a "title\\ntext" string or {title, text}', { file, record: i });
    if (typeof doc !== "string" && titleHasLineBreak(doc.title)) throw new InputError(TITLE_LINE_BREAK_PROBLEM, { file, record: i, field: "title" });
  });
  return data;
}

/** Each passage of the file once (a repeated record is one passage), matched by its exact content as indexed. */
function byDocs(data: unknown[], file: string, indexed: readonly string[], indexedContents: readonly (string | undefined)[]): DeletePlan {
  const requested = [...new Map(toPassages(data as DocInput[]).map((passage, record) => [passage.id, { passage, record }] as const)).values()];
  const held = new Set(indexed);
  const missing = requested.filter(({ passage }) => !held.has(passage.id));
  const plan: DeletePlan = { contents: requested.map(({ passage }) => passage.content), counts: { requested: requested.length, notIndexed: missing.length } };
  if (missing.length > 0) {
    const heldTitles = new Set(indexedContents.map((content) => splitPassage(content ?? "").title));
    const listed = missing.slice(0, 5).map(({ passage, record }) => `record ${record} (${JSON.stringify(passage.title)}): not in the index${heldTitles.has(passage.title) ? "; an indexed passage has this title and other text" : ""}`);
    const said = `${missing.length} of the ${requested.length} passages to remove are not in the index: ${listed.join(" · ")}${missing.length > 5 ? ` · … and ${missing.length - 5} more` : ""}`;
    plan.missing = { said: `${file}: ${said}`, refusal: new InputError(said, { file }, { suggestion: "a passage is matched by its exact title and text as indexed: fix the file, or pass --missing-ok to remove the others; nothing was removed" }) };
  }
  return plan;
}

/** Every indexed passage whose title is one of `titles` (exact, as stored). */
function byTitles(titles: readonly string[], indexedContents: readonly (string | undefined)[]): DeletePlan {
  const wanted = new Set(titles);
  const found = new Set<string>();
  const contents: string[] = [];
  for (const content of indexedContents) {
    const { title } = splitPassage(content ?? "");
    if (content !== undefined && wanted.has(title)) {
      contents.push(content);
      found.add(title);
    }
  }
  const missing = [...wanted].filter((title) => !found.has(title));
  const plan: DeletePlan = { contents, counts: { titles: wanted.size, notIndexed: missing.length } };
  if (missing.length > 0) {
    const listed = missing.slice(0, 5).map((title) => `--title ${JSON.stringify(title)}: no indexed passage has this title`);
    const said = `${listed.join(" · ")}${missing.length > 5 ? ` · … and ${missing.length - 5} more` : ""}`;
    plan.missing = { said, refusal: usageError(said, "a title is matched exactly, as the corpus gave it: fix it, or pass --missing-ok to remove the others; nothing was removed") };
  }
  return plan;
}
