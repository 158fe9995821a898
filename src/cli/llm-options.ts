import type { Command } from "commander";
import { httpUrl, nonNegativeInt } from "../core/validate.js";
import { LLM_DEFAULTS, resolveLlmConfig, type LlmSettingNames, type ResolvedLlmConfig } from "../llm/llm-config.js";
import { parsePositiveInt } from "./common-options.js";

export const DEFAULT_LLM = LLM_DEFAULTS.model;

/** The CLI's words for each LLM setting, for messages (the key comes from OPENAI_API_KEY only). */
const CLI_LLM_NAMES: LlmSettingNames = {
  model: "--llm-name",
  baseUrl: "--llm-base-url",
  apiKey: "OPENAI_API_KEY",
  concurrency: "--concurrency",
  timeoutMs: "--request-timeout",
  maxRetries: "--max-retries",
  maxRetryAfterMs: "--max-retry-after",
  maxTokens: "--max-tokens",
};

/** LLM options shared by openie, retrieve (filter), qa and run. The key comes from OPENAI_API_KEY only. */
export function llmOptions(command: Command): Command {
  return command
    .option("--llm-name <model>", `chat model name (default ${DEFAULT_LLM}, as upstream)`)
    .option("--llm-base-url <url>", "OpenAI-compatible base URL (vLLM, Ollama, llama.cpp, Azure deployment URL); default OpenAI")
    .option("--concurrency <n>", "LLM requests in flight at once", parsePositiveInt("--concurrency"), LLM_DEFAULTS.concurrency)
    .option("--request-timeout <seconds>", "per-request timeout", parsePositiveInt("--request-timeout"), LLM_DEFAULTS.timeoutMs / 1000)
    .option("--max-retries <n>", "retries per request (429, 5xx, timeouts, dropped connections)", (v) => nonNegativeInt("--max-retries", v), LLM_DEFAULTS.maxRetries)
    .option("--max-retry-after <seconds>", "cap on a server's Retry-After", parsePositiveInt("--max-retry-after"), LLM_DEFAULTS.maxRetryAfterMs / 1000)
    .option("--max-tokens <n>", "max tokens per LLM reply (default: server's)", parsePositiveInt("--max-tokens"))
    .option("--accept-truncated", "keep replies cut off by the token limit, repaired as upstream does (default: asked again with a larger limit, else recorded as failed and retried next run)", false);
}

export interface LlmOptions {
  llmName?: string;
  llmBaseUrl?: string;
  concurrency: number;
  requestTimeout: number;
  maxRetries: number;
  maxRetryAfter: number;
  maxTokens?: number;
  acceptTruncated: boolean;
}

/**
 * True when an LLM can be called: a base URL was given, or OPENAI_API_KEY is set. `--llm-name` alone
 * only names whose OpenIE results to use (e.g. imported gpt-3.5-turbo-1106 results, no LLM at all).
 */
export function llmConfigured(options: LlmOptions): boolean {
  return Boolean(options.llmBaseUrl || process.env.OPENAI_API_KEY);
}

/** The CLI's LLM options as the library's config, validated by the same rules as `HippoRag.open`. */
export function resolveLlm(options: LlmOptions): ResolvedLlmConfig {
  return resolveLlmConfig(
    {
      model: options.llmName ?? DEFAULT_LLM,
      baseUrl: options.llmBaseUrl,
      apiKey: process.env.OPENAI_API_KEY,
      concurrency: options.concurrency,
      timeoutMs: options.requestTimeout * 1000,
      maxRetries: options.maxRetries,
      maxRetryAfterMs: options.maxRetryAfter * 1000,
      maxTokens: options.maxTokens,
    },
    CLI_LLM_NAMES,
  );
}

export { httpUrl as checkHttpUrl };
