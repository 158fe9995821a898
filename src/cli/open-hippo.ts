import { createLogger } from "../core/logger.js";
import { checkDefaultWorkspace } from "./other-chunkings.js";
import { noteWorkspaceOpening } from "./refused-workspaces.js";
import { HippoRag } from "../hipporag.js";
import { loadOpenIEPrompts } from "../openie/prompts/load-openie-prompts.js";
import { loadIrcotPrompt } from "../retrieval/ircot/load-ircot-prompt.js";
import type { RetrievalOptions } from "../retrieval/retriever.js";
import type { ResolvedCommon } from "./common-options.js";
import { resolveEmbedding, type EmbeddingCliOptions } from "./embedding-options.js";
import { resolveStageLlmCli, type LlmOptions, type StageLlmCliOptions } from "./llm-options.js";

/** Builds the library object from validated CLI options; the LLM is set only when the user configured one. */
export async function openHippo(
  common: ResolvedCommon,
  options: Partial<LlmOptions> & StageLlmCliOptions & EmbeddingCliOptions & { openiePrompts?: string; ircotPrompt?: string },
  retrieval: Partial<RetrievalOptions> = {},
  extra: { qaTopK?: number; mustExist?: boolean; noLlm?: boolean; takesChunkFlags?: boolean } = {},
): Promise<HippoRag> {
  const logger = createLogger(common.logLevel);
  // --llm-name is the shared LLM; whose OpenIE the index uses is named only by --openie-llm-name (or
  // by --llm-name when there is no LLM at all): a QA model never re-extracts the corpus.
  const { llm, openieModel } = extra.noLlm ? { llm: undefined, openieModel: options.openieLlmName ?? options.llmName } : resolveStageLlmCli(options as LlmOptions & StageLlmCliOptions);
  if (!extra.mustExist) noteWorkspaceOpening(common.saveDir); // removed again if the command is refused (exit 2)
  checkDefaultWorkspace(common, extra.mustExist ?? false, extra.takesChunkFlags ?? true);
  return HippoRag.open({
    saveDir: common.saveDir,
    llm,
    openieModel,
    embedding: resolveEmbedding(options),
    retrieval,
    openiePrompts: loadOpenIEPrompts(options.openiePrompts),
    ircotPrompt: loadIrcotPrompt(options.ircotPrompt),
    qaTopK: extra.qaTopK,
    vectorDtype: options.vectors,
    // Neither flag: the store the workspace's index was built with (else SQLite).
    vectorStore: options.vectorStore || options.vectorStoreUrl ? { kind: options.vectorStore ?? "sqlite", url: options.vectorStoreUrl } : undefined,
    createWorkspace: !extra.mustExist,
    acceptTruncated: options.acceptTruncated,
    logger,
  });
}
