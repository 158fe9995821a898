/**
 * hipporag-ts library entry point: the same capabilities as the `hipporag` CLI, as functions.
 */
export { HippoRag, runLabel, toPassages, type HippoRagConfig, type LlmConfig, type DocInput, type RetrievedDocs, type QaResult } from "./hipporag.js";
export { HippoError, InputError } from "./core/errors.js";
export { contentId, entityId, factId, passageId, textProcessing } from "./core/ids.js";
export type { Dataset, Passage, Question } from "./datasets/dataset-types.js";
export { loadCorpus } from "./datasets/load-corpus.js";
export { loadDataset } from "./datasets/load-dataset.js";
export { loadQuestions } from "./datasets/load-questions.js";
export { evaluate, type EvalItem, type EvalReport } from "./eval/evaluate.js";
export { exactMatch, recallAtK, tokenF1, RECALL_KS } from "./eval/metrics.js";
export { normalizeAnswer } from "./eval/normalize-answer.js";
export { runEval } from "./eval/run-eval.js";
export type { Encoder, EmbedPurpose, Matrix, SparseMatrix, VectorMatrix } from "./embedding/encoder.js";
export { LexicalEncoder } from "./embedding/lexical-encoder.js";
export { OpenAIEncoder } from "./embedding/openai-encoder.js";
export { OnnxEncoder } from "./embedding/onnx-encoder.js";
export { createEncoder } from "./embedding/create-encoder.js";
export { EmbeddingStore } from "./embedding/embedding-store.js";
export type { ChatModel, ChatMessage, ChatRequest, ChatResult } from "./llm/chat-model.js";
export { OpenAIChatModel } from "./llm/openai-chat-model.js";
export { CachedChatModel } from "./llm/cached-chat-model.js";
export { parseNerOutput, parseTripleOutput, fixBrokenGeneratedJson } from "./openie/parse-openie-output.js";
export { runOpenIE } from "./openie/run-openie.js";
export { OpenIEStore } from "./openie/openie-store.js";
export { importOpenIEFile, exportOpenIEFile } from "./openie/openie-file.js";
export { DEFAULT_OPENIE_PROMPTS, type OpenIEPrompts } from "./openie/prompts/openie-prompts.js";
export { csrFromEdges, type CsrGraph } from "./graph/csr-graph.js";
export { personalizedPageRank, personalizedPageRankMany, type PprOptions, type PprGraph } from "./graph/personalized-pagerank.js";
export type { PprKernelName } from "./graph/ppr-kernel.js";
export { exportGraph, toNgraph } from "./graph/export-graph.js";
export { MemoryIndex, type IndexProgress, type IndexUpdate } from "./graph/memory-index.js";
export { DEFAULT_RETRIEVAL, Retriever, type Linking, type RetrievalOptions, type RetrievalResult, type RetrievalTrace } from "./retrieval/retriever.js";
export { Bm25Index } from "./retrieval/bm25.js";
export { buildMemoryGraph, type MemoryGraph, type GraphStats } from "./graph/build-graph.js";
export { Workspace } from "./store/workspace.js";
