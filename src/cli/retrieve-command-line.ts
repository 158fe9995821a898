import { DEFAULT_DATASET_DIR } from "../datasets/load-dataset.js";
import { DEFAULT_ENCODER } from "../embedding/create-encoder.js";
import { DEFAULT_RETRIEVAL, type RetrievalOptions } from "../retrieval/retrieval-types.js";
import type { ResolvedCommon } from "./common-options.js";

/** What names the index and the LLM a retrieval used, as the command was given them. */
export interface RetrieveSource {
  /** Whose OpenIE the index is built from. */
  openieModel: string;
  llmName?: string;
  llmBaseUrl?: string;
  /** The filter's own LLM (--filter-llm-name, --filter-llm-base-url, --filter-llm-key-env), when it has one. */
  filterLlm?: { name?: string; baseUrl?: string; keyEnv?: string };
  embeddingName?: string;
  embeddingBaseUrl?: string;
}

/**
 * A `hipporag retrieve` command that repeats one retrieval of a `run` on the same dataset, workspace,
 * index and settings, quoted for a POSIX shell so that it can be pasted as printed. Keys are never
 * part of it: they come from the environment (OPENAI_API_KEY), as for the run.
 */
export function retrieveCommandLine(common: ResolvedCommon, source: RetrieveSource, retrieval: RetrievalOptions, extra: readonly string[] = []): string {
  const args: string[] = ["hipporag", "retrieve"];
  const corpus = common.source;
  // with --corpus the dataset is named after it, as in the run
  if (corpus?.corpus) args.push("--corpus", corpus.corpus);
  else args.push("--dataset", common.dataset);
  if (corpus?.questions) args.push("--questions", corpus.questions);
  if (corpus?.chunkTokens !== undefined) args.push("--chunk-tokens", String(corpus.chunkTokens));
  if (corpus?.chunkOverlap !== undefined) args.push("--chunk-overlap", String(corpus.chunkOverlap));
  if (corpus?.chunkTokens !== undefined && corpus.chunkTokenizer) args.push("--chunk-tokenizer", corpus.chunkTokenizer);
  if (common.datasetDir !== DEFAULT_DATASET_DIR) args.push("--dataset-dir", common.datasetDir);
  if (!common.saveDirDefaulted) args.push("--save-dir", common.saveDir);
  if (source.llmBaseUrl) args.push("--llm-base-url", source.llmBaseUrl);
  if (source.llmName) args.push("--llm-name", source.llmName);
  if (source.openieModel !== source.llmName || source.llmBaseUrl) args.push("--openie-llm-name", source.openieModel);
  if (retrieval.filter && source.filterLlm?.name) args.push("--filter-llm-name", source.filterLlm.name);
  if (retrieval.filter && source.filterLlm?.baseUrl) args.push("--filter-llm-base-url", source.filterLlm.baseUrl);
  if (retrieval.filter && source.filterLlm?.keyEnv) args.push("--filter-llm-key-env", source.filterLlm.keyEnv);
  if (source.embeddingName && source.embeddingName !== DEFAULT_ENCODER) args.push("--embedding-name", source.embeddingName);
  if (source.embeddingBaseUrl) args.push("--embedding-base-url", source.embeddingBaseUrl);
  args.push(...retrievalFlags(retrieval), ...extra);
  return args.map(shellQuote).join(" ");
}

/** The flags that set each retrieval option away from its default (none for the defaults). */
export function retrievalFlags(options: RetrievalOptions): string[] {
  const flags: string[] = [];
  const method = typeof options.method === "string" ? options.method : options.method.id;
  if (method !== DEFAULT_RETRIEVAL.method) flags.push("--method", method);
  if (options.topK !== DEFAULT_RETRIEVAL.topK) flags.push("--top-k", String(options.topK));
  if (!options.filter) flags.push("--no-filter");
  if (options.linkingTopK !== DEFAULT_RETRIEVAL.linkingTopK) flags.push("--linking-top-k", String(options.linkingTopK));
  if (options.passageNodeWeight !== DEFAULT_RETRIEVAL.passageNodeWeight) flags.push("--passage-node-weight", String(options.passageNodeWeight));
  if (options.damping !== DEFAULT_RETRIEVAL.damping) flags.push("--damping", String(options.damping));
  if (options.seedWeighting !== DEFAULT_RETRIEVAL.seedWeighting) flags.push("--seed-weighting", options.seedWeighting);
  if (options.filterMatchCutoff !== DEFAULT_RETRIEVAL.filterMatchCutoff) flags.push("--filter-match-cutoff", String(options.filterMatchCutoff));
  if (options.linking !== DEFAULT_RETRIEVAL.linking) flags.push("--linking", options.linking);
  if (!options.passageNodes) flags.push("--no-passage-nodes");
  if (options.ircotSteps !== undefined) flags.push("--ircot", "--max-steps", String(options.ircotSteps));
  return flags;
}

/** A word as a POSIX shell reads it back: bare when safe, else single-quoted ('it'\''s'). */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}
