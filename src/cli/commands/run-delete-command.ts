import { InputError, usageError } from "../../core/errors.js";
import { readJsonFile } from "../../core/read-json-file.js";
import type { CommonOptions } from "../common-options.js";
import { type EmbeddingCliOptions } from "../embedding-options.js";
import type { ResolvedCommon } from "../common-options.js";
import type { Output } from "../output.js";

export interface DeleteOptions extends CommonOptions, EmbeddingCliOptions {
  llmName?: string;
  docs: string;
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
    hippo.workspace.acquireWriterLock("delete");
    const before = index.passageIds().length;
    const update = await hippo.delete(data);
    const report = { removed: update.removed, requested: data.length, notIndexed: data.length - update.removed, passagesBefore: before, ...update.stats };
    output.stdout(common.json ? JSON.stringify(report, null, 2) : `removed ${update.removed} of ${data.length} passages (${report.notIndexed} were not indexed); ${update.stats.passageNodes} passages, ${update.stats.phraseNodes} phrases, ${update.stats.facts} facts remain`);
  } finally {
    hippo.close();
  }
  return 0;
}
