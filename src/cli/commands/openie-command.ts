import { Command } from "commander";
import { corpusOptions } from "../corpus-options.js";
import { commonOptions, planOptions, resolveCommon } from "../common-options.js";
import { llmOptions } from "../llm-options.js";
import type { CommandContext } from "../command-context.js";
import type { OpenIECommandOptions } from "./run-openie-command.js";


export function openieCommand(context: CommandContext): Command {
  const command = new Command("openie")
    .description("extract entities and triples from every passage with an LLM (resumable; failures are retried on the next run)")
    .option("--import <file>", "import an upstream openie_results_ner_<llm>.json (model from the file name unless --llm-name)")
    .option("--export <file>", "write the OpenIE results in the upstream openie_results_ner_<llm>.json format")
    .option("--export-batch <file>", "write the pending requests as OpenAI Batch JSONL (also read by `vllm run-batch`)")
    .option("--import-batch <file>", "ingest Batch output JSONL; NER results create the triple requests of a second round")
    .option("--openie-prompts <file>", "JSON file overriding prompt fields (nerSystem, nerDemoInput, …)")
    .option("--force", "let --import-batch lines, and --import's empty results (upstream's mark of a failed extraction), overwrite finished results (by default a finished passage is never undone)", false);
  corpusOptions(llmOptions(planOptions(commonOptions(command)))).action(async (raw: OpenIECommandOptions) => {
    const common = resolveCommon(raw, "openie");
    const { runOpenIECommand } = await import("./run-openie-command.js");
    context.state.exitCode = await runOpenIECommand(common, raw, context.output);
  });
  return command;
}
