import { usageError } from "../core/errors.js";
import type { Dataset } from "../datasets/dataset-types.js";
import { datasetPaths, loadDataset } from "../datasets/load-dataset.js";
import { loadTokenizerCounter } from "../datasets/load-tokenizer-counter.js";
import { APPROXIMATE_TOKENS, type TokenCounter } from "../datasets/token-count.js";
import { isQuiet, type ResolvedCommon } from "./common-options.js";
import { checkChunking } from "./check-chunking.js";
import { chunkSettingsOf } from "./corpus-options.js";
import { fetchMissingDataset } from "./fetch-missing-dataset.js";
import type { Output } from "./output.js";

/**
 * The dataset a command works on: `--dataset` from `--dataset-dir` (pulled from the Hub on first
 * use), or `--corpus`, chunked with `--chunk-tokens`. Prints the loader's notes for people.
 */
export async function loadCommandDataset(common: ResolvedCommon, output: Output, options: { embeddingName?: string; requireQuestions?: boolean } = {}): Promise<Dataset> {
  const source = common.source ?? {};
  const chunk = chunkSettingsOf(source);
  await fetchMissingDataset(common, output);
  const counter = chunk ? await tokenCounter(source.chunkTokenizer ?? "auto", options.embeddingName, common, output) : undefined;
  const corpus = source.corpus ?? (chunk ? datasetPaths(common.dataset, common.datasetDir).corpusPath : undefined);
  const dataset = loadDataset(common.dataset, common.datasetDir, {
    requireQuestions: options.requireQuestions,
    corpus,
    questions: source.questions,
    chunking: chunk && counter ? { ...chunk, counter } : undefined,
  });
  checkChunking(common.saveDir, dataset.passages);
  if (!isQuiet(common)) for (const note of dataset.notes ?? []) output.stderr(`note: ${note}`);
  return dataset;
}

/** "approx", a model's tokenizer, or "auto": the local onnx: embedding model's tokenizer when there is one. */
async function tokenCounter(choice: string, embeddingName: string | undefined, common: ResolvedCommon, output: Output): Promise<TokenCounter> {
  if (choice === "approx") return APPROXIMATE_TOKENS;
  if (choice === "auto") {
    if (!embeddingName?.startsWith("onnx:")) return APPROXIMATE_TOKENS;
    const model = embeddingName.slice("onnx:".length);
    const counter = await loadTokenizerCounter(model);
    if (!counter && !isQuiet(common)) output.stderr(`note: the tokenizer of ${model} is not local; chunk sizes use the approximate count (--chunk-tokenizer approx)`);
    return counter ?? APPROXIMATE_TOKENS;
  }
  const counter = await loadTokenizerCounter(choice.replace(/^onnx:/, ""));
  if (!counter) {
    throw usageError(`--chunk-tokenizer: cannot load a tokenizer from "${choice}" without downloading`, "point it at a local model folder (with tokenizer.json), a hub id already in the cache, or use approx");
  }
  return counter;
}
