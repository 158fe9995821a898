import { InputError, usageError } from "../../core/errors.js";
import { readJsonFile } from "../../core/read-json-file.js";
import { toPassages } from "../../hipporag.js";
import { splitPassage } from "../../store/passage-store.js";
import type { CommonOptions } from "../common-options.js";
import { type EmbeddingCliOptions } from "../embedding-options.js";
import type { ResolvedCommon } from "../common-options.js";
import { plural, type Output } from "../output.js";

export interface DeleteOptions extends CommonOptions, EmbeddingCliOptions {
  llmName?: string;
  docs: string;
  /** Remove the passages the index holds even when others of the file are not in it (refused otherwise). */
  missingOk?: boolean;
}

/** `hipporag delete`: returns the exit code (only cli/main.ts ends the process). */
export async function runDeleteCommand(common: ResolvedCommon, raw: DeleteOptions, output: Output): Promise<number> {
  const data = readJsonFile(raw.docs);
  if (!Array.isArray(data) || data.length === 0) throw new InputError("expected a non-empty JSON array of passages", { file: raw.docs });
  data.forEach((doc, i) => {
    const ok = typeof doc === "string" || (typeof doc === "object" && doc !== null && typeof doc.title === "string" && typeof doc.text === "string");
    if (!ok) throw new InputError('expected a "title\\ntext" string or {title, text}', { file: raw.docs, record: i });
  });
  const { openHippo } = await import("../open-hippo.js");
  const hippo = await openHippo(common, raw, {}, { mustExist: true, noLlm: true });
  try {
    // Deleting from an index that does not exist would create it (empty) and report that nothing remains.
    const index = hippo.memoryIndex();
    if (!hippo.workspace.indexes.get(index.id)) {
      const held = hippo.workspace.indexes.all().map((row) => `${row.openieModel} | ${row.encoder}`);
      throw usageError(`no index of ${index.openieModel} with encoder ${index.encoder.id} in ${common.saveDir} (it holds: ${held.join(", ") || "none"})`, "pass the --llm-name and --embedding-name the index was built with");
    }
    // Each passage once (a repeated record is one passage), matched by its exact content as indexed.
    const requested = [...new Map(toPassages(data).map((passage, record) => [passage.id, { passage, record }] as const)).values()];
    const indexed = index.passageIds();
    const held = new Set(indexed);
    const missing = requested.filter(({ passage }) => !held.has(passage.id));
    if (missing.length > 0) {
      const heldTitles = new Set(hippo.workspace.passages.contents(indexed).map((content) => splitPassage(content ?? "").title));
      const listed = missing.slice(0, 5).map(({ passage, record }) => `record ${record} (${JSON.stringify(passage.title)}): not in the index${heldTitles.has(passage.title) ? "; an indexed passage has this title and other text" : ""}`);
      const said = `${missing.length} of the ${requested.length} passages to remove are not in the index: ${listed.join(" · ")}${missing.length > 5 ? ` · … and ${missing.length - 5} more` : ""}`;
      if (!raw.missingOk) throw new InputError(said, { file: raw.docs }, { suggestion: "a passage is matched by its exact title and text as indexed: fix the file, or pass --missing-ok to remove the others; nothing was removed" });
      output.stderr(`warning: ${raw.docs}: ${said}`);
    }
    hippo.workspace.acquireWriterLock("delete");
    const update = await hippo.delete(requested.map(({ passage }) => passage.content));
    const report = { removed: update.removed, requested: requested.length, notIndexed: missing.length, passagesBefore: indexed.length, ...update.stats };
    output.stdout(common.json ? JSON.stringify(report, null, 2) : `removed ${update.removed} of ${plural(requested.length, "passage")}${missing.length ? ` (${missing.length} not indexed)` : ""}; ${plural(update.stats.passageNodes, "passage")}, ${plural(update.stats.phraseNodes, "phrase")}, ${plural(update.stats.facts, "fact")} remain`);
  } finally {
    hippo.close();
  }
  return 0;
}
