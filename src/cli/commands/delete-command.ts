import { Command } from "commander";
import { InputError } from "../../core/errors.js";
import { readJsonFile } from "../../core/read-json-file.js";
import { commonOptions, resolveCommon, type CommonOptions } from "../common-options.js";
import { embeddingOptions, type EmbeddingCliOptions } from "../embedding-options.js";
import type { CommandContext } from "../command-context.js";

interface DeleteOptions extends CommonOptions, EmbeddingCliOptions {
  llmName?: string;
  docs: string;
}

export function deleteCommand(context: CommandContext): Command {
  const command = new Command("delete")
    .description("remove passages from the memory, with the facts, entities and edges only they supported")
    .requiredOption("--docs <file>", 'JSON array of passages to remove: "title\\ntext" strings or {title, text} objects');
  // Only what names the index: whose OpenIE (--llm-name) and which encoder. Deleting calls no LLM.
  command.option("--llm-name <model>", "whose OpenIE the index is built from (default: the workspace's)");
  embeddingOptions(commonOptions(command)).action(async (raw: DeleteOptions) => {
    const common = resolveCommon(raw, "delete");
    const data = readJsonFile(raw.docs);
    if (!Array.isArray(data) || data.length === 0) throw new InputError("expected a non-empty JSON array of passages", { file: raw.docs });
    data.forEach((doc, i) => {
      const ok = typeof doc === "string" || (typeof doc === "object" && doc !== null && typeof doc.title === "string" && typeof doc.text === "string");
      if (!ok) throw new InputError('expected a "title\\ntext" string or {title, text}', { file: raw.docs, record: i });
    });
    const { openHippo } = await import("../open-hippo.js");
    const hippo = await openHippo(common, raw, {}, { mustExist: true, noLlm: true });
    try {
      hippo.workspace.acquireWriterLock("delete");
      const before = hippo.memoryIndex().passageIds().length;
      const update = await hippo.delete(data);
      const report = { removed: update.removed, requested: data.length, notIndexed: data.length - update.removed, passagesBefore: before, ...update.stats };
      context.output.stdout(common.json ? JSON.stringify(report, null, 2) : `removed ${update.removed} of ${data.length} passages (${report.notIndexed} were not indexed); ${update.stats.passageNodes} passages, ${update.stats.phraseNodes} phrases, ${update.stats.facts} facts remain`);
    } finally {
      hippo.close();
    }
  });
  return command;
}
