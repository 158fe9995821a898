import { Command } from "commander";
import { bootstrapOptions } from "../bootstrap-options.js";
import { commonOptions, resolveCommon } from "../common-options.js";
import type { CommandContext } from "../command-context.js";
import type { EvalOptions } from "./run-eval-command.js";

export function evalCommand(context: CommandContext): Command {
  const command = new Command("eval")
    .description("score retrieval (Recall@k) and QA (EM, token F1) of stored runs or of a --predictions file, with 95% bootstrap intervals")
    .option("--predictions <file>", "JSON array of {question|id, docs: [\"title\\ntext\", ...], answer?} from any system")
    .option("--run <name>", "score only this stored run")
    .option("--compare <runs...>", "two stored runs A B: the paired difference A − B per metric, its 95% interval and one-sided p")
    .option("--corpus <path>", "the corpus the runs were retrieved over, as given to index/retrieve/run (a *_corpus.json, a .jsonl, or a folder); then --dataset is optional")
    .option("--questions <file>", "the questions for --corpus (default: <name>.json beside a *_corpus.json, else in --dataset-dir)");
  bootstrapOptions(commonOptions(command)).action(async (raw: EvalOptions) => {
    const common = resolveCommon(raw, "eval");
    const { runEvalCommand } = await import("./run-eval-command.js");
    context.state.exitCode = await runEvalCommand(common, raw, context.output);
  });
  return command;
}
