import { createLogger } from "../core/logger.js";
import { HippoRag, type LlmConfig } from "../hipporag.js";
import { loadOpenIEPrompts } from "../openie/prompts/load-openie-prompts.js";
import type { RetrievalOptions } from "../retrieval/retriever.js";
import type { ResolvedCommon } from "./common-options.js";
import { resolveEmbedding, type EmbeddingCliOptions } from "./embedding-options.js";
import { llmConfigured, resolveLlm, type LlmOptions } from "./llm-options.js";

/** Builds the library object from validated CLI options; the LLM is set only when the user configured one. */
export async function openHippo(
  common: ResolvedCommon,
  options: Partial<LlmOptions> & EmbeddingCliOptions & { openiePrompts?: string },
  retrieval: Partial<RetrievalOptions> = {},
  extra: { onRetry?: LlmConfig["onRetry"]; qaTopK?: number; mustExist?: boolean } = {},
): Promise<HippoRag> {
  const logger = createLogger(common.logLevel);
  let llm: LlmConfig | undefined;
  if (llmConfigured(options as LlmOptions)) {
    const settings = resolveLlm(options as LlmOptions);
    llm = { ...settings, onRetry: extra.onRetry };
  }
  return HippoRag.open({
    saveDir: common.saveDir,
    llm,
    openieModel: options.llmName,
    embedding: resolveEmbedding(options),
    retrieval,
    openiePrompts: loadOpenIEPrompts(options.openiePrompts),
    qaTopK: extra.qaTopK,
    vectorDtype: options.vectors,
    vectorStore: { kind: options.vectorStore ?? "sqlite", url: options.vectorStoreUrl },
    createWorkspace: !extra.mustExist,
    acceptTruncated: options.acceptTruncated,
    logger,
  });
}
