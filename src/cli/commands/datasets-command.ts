import { Command } from "commander";

import { DEFAULT_DATASET_DIR } from "../../datasets/load-dataset.js";
import { hubOptions } from "../hub-options.js";

import type { CommandContext } from "../command-context.js";
import type { DatasetsOptions } from "./run-datasets-command.js";

/** `hipporag datasets list | pull <name…>`: the paper's datasets from the Hugging Face Hub. */
export function datasetsCommand(context: CommandContext): Command {
  const { output, state } = context;
  const shared = (command: Command) =>
    hubOptions(command)
      .option("--dataset-dir <dir>", "local dataset folder", DEFAULT_DATASET_DIR)
      .option("--json", "print machine-readable JSON on stdout", false);

  const list = shared(new Command("list").description("what the Hub repository holds, and what is already in --dataset-dir")).action(async (options: DatasetsOptions) => {
    const { runDatasetsList } = await import("./run-datasets-command.js");
    state.exitCode = await runDatasetsList(options, output);
  });

  const pull = shared(new Command("pull").description("download <name>.json and <name>_corpus.json into --dataset-dir (verified, resumable; skips files already up to date)"))
    .argument("<names...>", "dataset names, e.g. musique 2wikimultihopqa")
    .action(async (names: string[], options: DatasetsOptions) => {
      const { runDatasetsPull } = await import("./run-datasets-command.js");
      state.exitCode = await runDatasetsPull(names, options, output);
    });

  const group = new Command("datasets").description("the paper's datasets from the Hugging Face Hub: list, pull").addCommand(list).addCommand(pull);
  // `hipporag datasets` alone shows what it can do instead of failing
  return group.action(() => output.stdout(group.helpInformation()));
}
