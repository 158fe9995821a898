import { Command } from "commander";
import { corpusOptions, type CorpusCliOptions } from "../corpus-options.js";
import { commonOptions, resolveCommon, type CommonOptions } from "../common-options.js";
import { embeddingOptions, type EmbeddingCliOptions } from "../embedding-options.js";
import { llmOptions, type LlmOptions } from "../llm-options.js";
import type { CommandContext } from "../register-commands.js";

interface IndexOptions extends CommonOptions, CorpusCliOptions, LlmOptions, EmbeddingCliOptions {
  exportGraph?: string;
  openiePrompts?: string;
}

export function indexCommand(context: CommandContext): Command {
  const command = new Command("index")
    .description("build or extend the memory graph of a dataset's corpus (only new passages are processed)")
    .option("--export-graph <file>", "also write the graph as .graphml (Gephi, Cytoscape) or .json");
  corpusOptions(embeddingOptions(llmOptions(commonOptions(command)))).action(async (raw: IndexOptions) => {
    const common = resolveCommon(raw, "index");
    const { runIndexCommand } = await import("./run-index-command.js");
    context.state.exitCode = await runIndexCommand(common, raw, context.output);
  });
  return command;
}
