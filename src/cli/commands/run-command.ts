import { Command } from "commander";
import { corpusOptions } from "../corpus-options.js";
import { commonOptions, planOptions, parsePositiveInt, resolveCommon } from "../common-options.js";
import { embeddingOptions } from "../embedding-options.js";
import { llmOptions, stageLlmOptions } from "../llm-options.js";
import type { CommandContext } from "../command-context.js";
import type { RunOptions } from "./run-run-command.js";
import { QA_TOP_K } from "../../qa/qa-prompt.js";
import { retrievalOptions } from "../retrieval-options.js";


export function runCommand(context: CommandContext): Command {
  const command = new Command("run")
    .description("a whole experiment: openie → index → retrieve (HippoRAG 2, dense, BM25) → qa → eval, reusing the workspace")
    .option("--skip-qa", "stop after retrieval (the graph-only path)", false)
    .option("--skip-failed", "index the passages whose OpenIE is finished and leave out the rest: the index and the report are marked partial, exit 5", false)
    .option("--import-openie <file>", "import an upstream OpenIE results file first (then no LLM is needed for indexing)")
    .option("--no-baselines", "only HippoRAG 2 (skip the dense and BM25 runs)")
    .option("--show <n>", "print the top passages of the first n questions", (v) => (v === "0" ? 0 : parsePositiveInt("--show")(v)), 0)
    .option("--openie-prompts <file>", "JSON file overriding OpenIE prompt fields")
    .option("--qa-top-k <n>", "passages in the QA prompt (upstream 5)", parsePositiveInt("--qa-top-k"), QA_TOP_K);
  corpusOptions(retrievalOptions(embeddingOptions(stageLlmOptions(llmOptions(planOptions(commonOptions(command))))), { method: false })).action(async (raw: RunOptions) => {
    const common = resolveCommon(raw, "run");
    const { runRunCommand } = await import("./run-run-command.js");
    context.state.exitCode = await runRunCommand(common, raw, context.output);
  });
  return command;
}
