import { Command } from "commander";
import { corpusOptions, type CorpusCliOptions } from "../corpus-options.js";
import { commonOptions, planOptions, type PlanCliOptions, resolveCommon, type CommonOptions } from "../common-options.js";
import { embeddingOptions, type EmbeddingCliOptions } from "../embedding-options.js";
import { llmOptions, stageLlmOptions, type LlmOptions, type StageLlmCliOptions } from "../llm-options.js";
import type { CommandContext } from "../command-context.js";

interface IndexOptions extends CommonOptions, PlanCliOptions, CorpusCliOptions, LlmOptions, StageLlmCliOptions, EmbeddingCliOptions {
  exportGraph?: string;
  openiePrompts?: string;
  skipFailed: boolean;
}

export function indexCommand(context: CommandContext): Command {
  const command = new Command("index")
    .description("build or extend the memory graph of a dataset's corpus (only new passages are processed)")
    .option("--export-graph <file>", "also write the graph as .graphml (Gephi, Cytoscape) or .json")
    .option("--openie-prompts <file>", "JSON file overriding OpenIE prompt fields (a set of results of its own)")
    .option("--skip-failed", "index the passages whose OpenIE is finished and leave out the rest (failed or missing): the index is marked partial, exit 5", false);
  corpusOptions(embeddingOptions(stageLlmOptions(llmOptions(planOptions(commonOptions(command))), ["openie"]))).action(async (raw: IndexOptions) => {
    const common = resolveCommon(raw, "index");
    const { runIndexCommand } = await import("./run-index-command.js");
    context.state.exitCode = await runIndexCommand(common, raw, context.output);
  });
  return command;
}
