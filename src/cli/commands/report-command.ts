import { Command, Option } from "commander";
import { DEFAULT_DATASET_DIR } from "../../datasets/load-dataset.js";
import { bootstrapOptions } from "../bootstrap-options.js";
import { LOG_LEVELS } from "../../core/logger.js";
import type { CommandContext } from "../command-context.js";
import type { ReportOptions } from "./run-report-command.js";

/** `hipporag report`: several workspaces' stored runs side by side with the paper's Tables 2–4. */
export function reportCommand(context: CommandContext): Command {
  const command = new Command("report")
    .description("lay out the stored runs of several workspaces like the paper's Tables 2, 3 and 4, beside its numbers")
    .argument("[save-dirs...]", "workspaces to read (e.g. outputs/*)")
    .option("--save-dir <dirs...>", "workspaces to read, as well as the arguments", [])
    .option("--dataset <names...>", "the dataset of each workspace, in order (default: the one its reports name, else the folder name)")
    .option("--dataset-dir <dir>", `folder holding the dataset files of every workspace (default: the one each workspace's run read, else ${DEFAULT_DATASET_DIR})`)
    .option("--corpus <paths...>", "the corpus each workspace was built from, in order, as given to run/index (a *_corpus.json, a .jsonl, or a folder)")
    .option("--questions <files...>", "the questions file of each workspace, in order (default: the dataset's, or <name>.json beside a *_corpus.json)")
    .option("--out <file>", "also write the tables to FILE: .html for HTML, .json for JSON, anything else Markdown")
    .option("--json", "print machine-readable JSON on stdout", false)
    .addOption(new Option("--log-level <level>", "log verbosity").choices([...LOG_LEVELS]).default("info"));
  bootstrapOptions(command).action(async (positional: string[], raw: ReportOptions) => {
    const { runReportCommand } = await import("./run-report-command.js");
    context.state.exitCode = await runReportCommand([...positional, ...raw.saveDir], raw, context.output);
  });
  return command;
}
