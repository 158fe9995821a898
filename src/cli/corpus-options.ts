import type { Command } from "commander";
import { usageError } from "../core/errors.js";
import { defaultOverlap } from "../datasets/chunk-text.js";
import { datasetNameFromCorpus } from "../datasets/load-dataset.js";
import { parsePositiveInt } from "./parse-number.js";
import { hubOptions } from "./hub-options.js";
import { decimal } from "../core/validate.js";

/** `--corpus`, `--questions` and the chunking flags, on openie, index, retrieve and run (the commands that read passages). */
export function corpusOptions(command: Command): Command {
  hubOptions(command, { repo: false }); // --offline, unless the encoder options brought it already
  return command
    .option("--corpus <path>", "passages from a *_corpus.json, a .jsonl of {title, text, …}, or a folder of .txt/.md files (then --dataset is optional)")
    .option("--questions <file>", "questions for --corpus (default: <name>.json beside a *_corpus.json, else in --dataset-dir)")
    .option("--chunk-tokens <n>", "split passages longer than n tokens into overlapping chunks at paragraph/sentence boundaries", parsePositiveInt("--chunk-tokens"))
    .option("--chunk-overlap <n>", "tokens shared by consecutive chunks (default: chunk-tokens / 8)", parseCount("--chunk-overlap"))
    .option("--chunk-tokenizer <model>", 'count tokens with: "auto" (the local onnx: embedding model, else approx), "approx", or a local model folder / cached hub id', "auto");
}

export interface CorpusCliOptions {
  corpus?: string;
  questions?: string;
  chunkTokens?: number;
  chunkOverlap?: number;
  chunkTokenizer?: string;
}

/** The dataset name: --dataset, else the corpus file or folder name. */
export function datasetNameOf(options: { dataset?: string } & CorpusCliOptions): string | undefined {
  return options.dataset ?? (options.corpus ? datasetNameFromCorpus(options.corpus) : undefined);
}

/** Chunk settings, validated: overlap below the chunk size. */
export function chunkSettingsOf(options: CorpusCliOptions): { maxTokens: number; overlapTokens: number } | undefined {
  if (options.chunkTokens === undefined) {
    if (options.chunkOverlap !== undefined) throw usageError("--chunk-overlap needs --chunk-tokens");
    return undefined;
  }
  const overlapTokens = options.chunkOverlap ?? defaultOverlap(options.chunkTokens);
  if (overlapTokens >= options.chunkTokens) throw usageError(`--chunk-overlap (${overlapTokens}) must be smaller than --chunk-tokens (${options.chunkTokens})`);
  return { maxTokens: options.chunkTokens, overlapTokens };
}

/**
 * The default workspace folder of a chunked corpus carries the chunk settings (`outputs/docs-c512o64`),
 * so chunking the same documents another way builds another index instead of adding to this one.
 */
export function saveDirSuffix(options: CorpusCliOptions): string {
  const chunk = chunkSettingsOf(options);
  return chunk ? `-c${chunk.maxTokens}o${chunk.overlapTokens}` : "";
}

function parseCount(name: string) {
  return (value: string): number => {
    const parsed = decimal(value);
    if (!Number.isInteger(parsed) || parsed < 0) throw usageError(`${name} must be a whole number ≥ 0, got "${value}"`);
    return parsed;
  };
}
