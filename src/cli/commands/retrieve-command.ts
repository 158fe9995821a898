import { Command } from "commander";
import { corpusOptions } from "../corpus-options.js";
import { commonOptions, planOptions, resolveCommon } from "../common-options.js";
import { embeddingOptions } from "../embedding-options.js";
import { llmOptions, stageLlmOptions } from "../llm-options.js";
import type { CommandContext } from "../command-context.js";
import type { RetrieveOptions } from "./run-retrieve-command.js";
import { retrievalOptions } from "../retrieval-options.js";


export function retrieveCommand(context: CommandContext): Command {
  const command = new Command("retrieve")
    .description("rank passages for every question of a dataset (stored per run), or --explain one question")
    .option("--explain <question>", "retrieve one question and print every step: facts, filter, seeds, passages")
    .option("--predictions-out <file>", "also write [{id, question, docs}] as read by eval --predictions");
  corpusOptions(retrievalOptions(embeddingOptions(stageLlmOptions(llmOptions(planOptions(commonOptions(command))), ["openie", "filter", "qa"])))).action(async (raw: RetrieveOptions) => {
    const common = resolveCommon(raw, "retrieve");
    const { runRetrieveCommand } = await import("./run-retrieve-command.js");
    context.state.exitCode = await runRetrieveCommand(common, raw, context.output);
  });
  return command;
}
