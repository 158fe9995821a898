import type { Command } from "commander";
import { usageError } from "../core/errors.js";
import { parsePositiveInt } from "./common-options.js";

export const DEFAULT_LLM = "gpt-4o-mini";

/** LLM options shared by openie, retrieve (filter), qa and run. The key comes from OPENAI_API_KEY only. */
export function llmOptions(command: Command): Command {
  return command
    .option("--llm-name <model>", `chat model name (default ${DEFAULT_LLM}, as upstream)`)
    .option("--llm-base-url <url>", "OpenAI-compatible base URL (vLLM, Ollama, llama.cpp, Azure deployment URL); default OpenAI")
    .option("--concurrency <n>", "LLM requests in flight at once", parsePositiveInt("--concurrency"), 16)
    .option("--request-timeout <seconds>", "per-request timeout", parsePositiveInt("--request-timeout"), 300)
    .option("--max-retries <n>", "retries per request (429, 5xx, timeouts, dropped connections)", (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw usageError(`--max-retries must be a non-negative integer, got "${v}"`);
      return n;
    }, 5)
    .option("--max-retry-after <seconds>", "cap on a server's Retry-After", parsePositiveInt("--max-retry-after"), 60)
    .option("--max-tokens <n>", "max tokens per LLM reply (default: server's)", parsePositiveInt("--max-tokens"));
}

export interface LlmOptions {
  llmName?: string;
  llmBaseUrl?: string;
  concurrency: number;
  requestTimeout: number;
  maxRetries: number;
  maxRetryAfter: number;
  maxTokens?: number;
}

export interface LlmSettings {
  model: string;
  baseUrl?: string;
  apiKey?: string;
  concurrency: number;
  timeoutMs: number;
  maxRetries: number;
  maxRetryAfterMs: number;
  maxTokens?: number;
}

/**
 * True when an LLM can be called: a base URL was given, or OPENAI_API_KEY is set. `--llm-name` alone
 * only names whose OpenIE results to use (e.g. imported gpt-3.5-turbo-1106 results, no LLM at all).
 */
export function llmConfigured(options: LlmOptions): boolean {
  return Boolean(options.llmBaseUrl || process.env.OPENAI_API_KEY);
}

export function resolveLlm(options: LlmOptions): LlmSettings {
  const apiKey = process.env.OPENAI_API_KEY;
  if (options.llmBaseUrl) {
    checkHttpUrl("--llm-base-url", options.llmBaseUrl);
  } else if (!apiKey) {
    throw usageError("no LLM configured: OPENAI_API_KEY is not set and no --llm-base-url was given", "set OPENAI_API_KEY for OpenAI, or pass --llm-base-url for a local server (any dummy key works there)");
  }
  return {
    model: options.llmName ?? DEFAULT_LLM,
    baseUrl: options.llmBaseUrl,
    apiKey,
    concurrency: options.concurrency,
    timeoutMs: options.requestTimeout * 1000,
    maxRetries: options.maxRetries,
    maxRetryAfterMs: options.maxRetryAfter * 1000,
    maxTokens: options.maxTokens,
  };
}

/** A base URL must be http(s): `new URL("localhost:8000")` parses, with "localhost:" as its scheme. */
export function checkHttpUrl(option: string, value: string): void {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw usageError(`${option} is not a URL: "${value}"`, `e.g. ${option} http://localhost:8000/v1`);
  }
}
