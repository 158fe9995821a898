import { Option, type Command } from "commander";
import { parseInstructionFormat } from "../embedding/instruction-format.js";
import type { EncoderSettings } from "../embedding/create-encoder.js";
import { parsePositiveInt } from "./common-options.js";
import { checkHttpUrl } from "./llm-options.js";

/** Encoder options shared by index, retrieve and run. */
export function embeddingOptions(command: Command): Command {
  return command
    .option("--embedding-name <name>", 'encoder: "lexical" (built in, no download), "onnx:<hub id or folder>" (local CPU), or a model served at --embedding-base-url', "lexical")
    .option("--embedding-base-url <url>", "OpenAI-compatible embeddings endpoint (vLLM, TEI, OpenAI…)", (v: string) => checkHttpUrl("--embedding-base-url", v))
    .option("--embedding-batch-size <n>", "texts per embedding request", parsePositiveInt("--embedding-batch-size"))
    .option("--instruction-format <format>", "query instruction style: auto, nv-embed, gritlm, e5, bge, none, or a template with {instruction} and {query}", "auto")
    .addOption(new Option("--embedding-pooling <pooling>", "pooling for onnx: models").choices(["mean", "cls"]))
    .addOption(new Option("--embedding-dtype <dtype>", "weights variant for onnx: models").choices(["fp32", "fp16", "q8"]))
    .option("--offline", "never download models (onnx: local folders and the local cache only)", false)
    .addOption(new Option("--vectors <dtype>", "storage of new dense vectors: f32, or f16 (half the space); default: the precision of the workspace's index, else f32").choices(["f32", "f16"]))
    .addOption(new Option("--vector-store <kind>", "where dense vectors are kept: sqlite (the workspace), lancedb (embedded, on disk), chroma (a server); default: the store the workspace was indexed with, else sqlite").choices(["sqlite", "lancedb", "chroma"]))
    .option("--vector-store-url <url>", "lancedb: folder or URI (default <save-dir>/lancedb); chroma: server URL (default http://localhost:8000)");
}

export interface EmbeddingCliOptions {
  embeddingName: string;
  embeddingBaseUrl?: string;
  embeddingBatchSize?: number;
  instructionFormat: string;
  embeddingPooling?: "mean" | "cls";
  embeddingDtype?: "fp32" | "fp16" | "q8";
  offline: boolean;
  vectors: "f32" | "f16";
  vectorStore?: "sqlite" | "lancedb" | "chroma";
  vectorStoreUrl?: string;
}

/** `requestTimeout` / `maxRetries` (seconds / count) come from the LLM options when the command has them. */
export function resolveEmbedding(options: EmbeddingCliOptions & { requestTimeout?: number; maxRetries?: number; maxRetryAfter?: number }): EncoderSettings {
  if (options.embeddingBaseUrl) checkHttpUrl("--embedding-base-url", options.embeddingBaseUrl);
  return {
    timeoutMs: options.requestTimeout ? options.requestTimeout * 1000 : undefined,
    maxRetries: options.maxRetries,
    maxRetryAfterMs: options.maxRetryAfter ? options.maxRetryAfter * 1000 : undefined,
    name: options.embeddingName,
    baseUrl: options.embeddingBaseUrl,
    apiKey: process.env.OPENAI_API_KEY,
    batchSize: options.embeddingBatchSize,
    instructionFormat: parseInstructionFormat(options.instructionFormat),
    pooling: options.embeddingPooling,
    dtype: options.embeddingDtype,
    offline: options.offline || process.env.HIPPORAG_OFFLINE === "1",
    hubEndpoint: process.env.HF_ENDPOINT?.trim() || undefined,
  };
}
