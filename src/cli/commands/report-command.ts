import { Command, Option } from "commander";
import { writeFileSync } from "node:fs";
import { formatTable } from "../../core/format-table.js";
import { DEFAULT_DATASET_DIR } from "../../datasets/load-dataset.js";
import { bootstrapOptions, resolveBootstrap } from "../bootstrap-options.js";
import { LOG_LEVELS, type LogLevel } from "../../core/logger.js";
import type { CommandContext } from "../command-context.js";

interface ReportOptions {
  saveDir: string[];
  dataset?: string[];
  datasetDir: string;
  out?: string;
  json: boolean;
  logLevel: LogLevel;
  bootstrap: number;
  seed: number;
}

/** `hipporag report`: several workspaces' stored runs side by side with the paper's Tables 2–4. */
export function reportCommand(context: CommandContext): Command {
  const command = new Command("report")
    .description("lay out the stored runs of several workspaces like the paper's Tables 2, 3 and 4, beside its numbers")
    .argument("[save-dirs...]", "workspaces to read (e.g. outputs/*)")
    .option("--save-dir <dirs...>", "workspaces to read, as well as the arguments", [])
    .option("--dataset <names...>", "the dataset of each workspace, in order (default: the one its reports name, else the folder name)")
    .option("--dataset-dir <dir>", "folder holding the dataset files", DEFAULT_DATASET_DIR)
    .option("--out <file>", "also write the tables to FILE: .html for HTML, .json for JSON, anything else Markdown")
    .option("--json", "print machine-readable JSON on stdout", false)
    .addOption(new Option("--log-level <level>", "log verbosity").choices([...LOG_LEVELS]).default("info"));
  bootstrapOptions(command).action(async (positional: string[], raw: ReportOptions) => {
    const { runPaperTables, paperTablesHtml, paperTablesMarkdown } = await import("../../eval/run-paper-tables.js");
    const result = runPaperTables({ saveDirs: [...positional, ...raw.saveDir], datasets: raw.dataset, datasetDir: raw.datasetDir, bootstrap: resolveBootstrap(raw) });
    const json = JSON.stringify(result, null, 2);
    if (raw.out) {
      writeFileSync(raw.out, raw.out.endsWith(".html") ? paperTablesHtml(result.tables) : raw.out.endsWith(".json") ? `${json}\n` : paperTablesMarkdown(result.tables));
    }
    if (raw.json) context.output.stdout(json);
    else {
      for (const table of result.tables) context.output.stdout(`${table.title}\n${formatTable(table.header, table.body)}\n${table.notes.map((n) => `note: ${n}`).join("\n")}\n`);
      if (raw.out) context.output.stderr(`report: ${raw.out}`);
    }
  });
  return command;
}
