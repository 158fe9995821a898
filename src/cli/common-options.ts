import { Option, type Command } from "commander";
import { basename, join, resolve } from "node:path";
import { usageError } from "../core/errors.js";
import { LOG_LEVELS, type LogLevel } from "../core/logger.js";
import { DEFAULT_DATASET_DIR } from "../datasets/load-dataset.js";
import { datasetNameOf, saveDirSuffix, type CorpusCliOptions } from "./corpus-options.js";
import { decimal } from "../core/validate.js";

/** Options every command shares, declared once (trigger.dev's commonOptions pattern). */
export function commonOptions(command: Command): Command {
  return command
    .option("--dataset <name>", "dataset name: reads <dataset-dir>/<name>_corpus.json and <name>.json")
    .option("--dataset-dir <dir>", "folder holding the dataset files", DEFAULT_DATASET_DIR)
    .option("--save-dir <dir>", "workspace folder (default: outputs/<dataset>)")
    .option("--json", "print machine-readable JSON on stdout", false)
    .option("--config <file>", `a JSON file of this command's options, e.g. ${configExample(command.name())}; flags given here override it`)
    .addOption(new Option("--log-level <level>", "log verbosity").choices([...LOG_LEVELS]).default("info"));
}

/** A --config example that names options of the command itself (a sweep where the command sweeps). */
function configExample(command: string): string {
  return command === "retrieve" || command === "run" ? '{"linkingTopK": [3, 5, 10]}' : '{"saveDir": "outputs/mine", "logLevel": "warn"}';
}

export interface CommonOptions {
  dataset?: string;
  datasetDir: string;
  saveDir?: string;
  json: boolean;
  logLevel: LogLevel;
}

export interface ResolvedCommon {
  dataset: string;
  datasetDir: string;
  saveDir: string;
  /** No --save-dir: the folder is outputs/<dataset> plus the chunk settings (hints name the other cuts). */
  saveDirDefaulted: boolean;
  json: boolean;
  logLevel: LogLevel;
  /** --corpus, chunking and --offline, for the commands that read passages (see corpus-options.ts). */
  source?: CorpusCliOptions & { offline?: boolean };
}

/** Validates the shared options once, at the edge. */
export function resolveCommon(options: CommonOptions & CorpusCliOptions & { offline?: boolean }, commandName: string, use: { workspaceOnly?: boolean } = {}): ResolvedCommon {
  // With --corpus, the name defaults to the file or folder name; a command that reads only the
  // workspace (delete) needs no dataset when --save-dir names the workspace.
  const dataset = datasetNameOf(options) ?? (use.workspaceOnly && options.saveDir ? basename(resolve(options.saveDir)) : undefined);
  if (!dataset) {
    throw usageError(`hipporag ${commandName} needs --dataset`, `e.g. hipporag ${commandName} --dataset musique --dataset-dir reproduce/dataset`);
  }
  return {
    dataset,
    datasetDir: options.datasetDir,
    saveDir: options.saveDir ?? join("outputs", dataset + saveDirSuffix(options)),
    saveDirDefaulted: options.saveDir === undefined,
    json: options.json,
    logLevel: options.logLevel,
    source: { corpus: options.corpus, questions: options.questions, chunkTokens: options.chunkTokens, chunkOverlap: options.chunkOverlap, chunkTokenizer: options.chunkTokenizer, offline: options.offline },
  };
}

/** Progress lines and stage messages are for people: off with --json or a log level above info. */
export function isQuiet(common: Pick<ResolvedCommon, "json" | "logLevel">): boolean {
  return common.json || common.logLevel === "warn" || common.logLevel === "error" || common.logLevel === "silent";
}

export { parsePositiveInt, parseUnitFloat } from "./parse-number.js";

/** `--dry-run` and `--max-cost`, for the commands that may spend (openie, index, retrieve, qa, run). */
export function planOptions(command: Command): Command {
  return command
    .option("--dry-run", "print the LLM and embedding requests this would send, per stage (new vs cached), with estimated tokens and price; send nothing", false)
    .option("--max-cost <usd>", "refuse to start when the estimated price is higher (known OpenAI models)", (v) => {
      const n = decimal(v);
      if (!Number.isFinite(n) || n < 0) throw usageError(`--max-cost must be a non-negative number of US dollars, got "${v}"`);
      return n;
    });
}

export interface PlanCliOptions {
  dryRun: boolean;
  maxCost?: number;
}
