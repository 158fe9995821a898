import { Command } from "commander";

import { commonOptions, resolveCommon } from "../common-options.js";
import { embeddingOptions } from "../embedding-options.js";
import type { CommandContext } from "../command-context.js";
import type { DeleteOptions } from "./run-delete-command.js";

export function deleteCommand(context: CommandContext): Command {
  const command = new Command("delete")
    .description("remove passages from the memory, with the facts, entities and edges only they supported")
    .option("--docs <file>", 'JSON array of passages to remove: "title\\ntext" strings or {title, text} objects')
    .option("--title <title...>", "remove every indexed passage with this exact title (repeatable; instead of --docs)");
  // Only what names the index: whose OpenIE (--llm-name) and which encoder. Deleting calls no LLM.
  command.option("--llm-name <model>", "whose OpenIE the index is built from (default: the workspace's)");
  command.option("--missing-ok", "remove the passages the index holds even if others in --docs (or a --title) are not in it (refused by default, nothing removed)");
  embeddingOptions(commonOptions(command)).action(async (raw: DeleteOptions) => {
    const common = resolveCommon(raw, "delete", { workspaceOnly: true });
    const { runDeleteCommand } = await import("./run-delete-command.js");
    context.state.exitCode = await runDeleteCommand(common, raw, context.output);
  });
  return command;
}
