import { Command } from "commander";
import { corpusOptions } from "../corpus-options.js";
import { commonOptions, planOptions, parsePositiveInt, resolveCommon } from "../common-options.js";
import { embeddingOptions } from "../embedding-options.js";
import { llmOptions, stageLlmOptions } from "../llm-options.js";
import type { CommandContext } from "../command-context.js";
import type { QaOptions } from "./run-qa-command.js";
import { QA_TOP_K } from "../../qa/qa-prompt.js";

export function qaCommand(context: CommandContext): Command {
  const command = new Command("qa")
    .description("answer each question from the top passages of a stored retrieval run, then score EM/F1")
    .option("--run <name>", "retrieval run to read (see hipporag eval; default: hipporag2, else the only HippoRAG 2 run stored)")
    .option("--qa-top-k <n>", "passages in the QA prompt (upstream 5)", parsePositiveInt("--qa-top-k"), QA_TOP_K)
    .option("--answers-out <file>", "also write every question's answer as JSON [{id, question, answer, gold}]")
    .option("--ircot-answer", "score IRCoT's own answers (after \"So the answer is\") of an IRCoT --run instead of asking the QA reader; stored as run <run>-ircotanswer, no LLM needed");
  corpusOptions(embeddingOptions(stageLlmOptions(llmOptions(planOptions(commonOptions(command))), ["openie", "qa"]))).action(async (raw: QaOptions) => {
    const common = resolveCommon(raw, "qa");
    const { runQaCommand } = await import("./run-qa-command.js");
    context.state.exitCode = await runQaCommand(common, raw, context.output);
  });
  return command;
}
