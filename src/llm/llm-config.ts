import { usageError } from "../core/errors.js";
import { httpUrl, MAX_RETRIES, MAX_TIMER_MS, nonNegativeInt, positiveInt } from "../core/validate.js";
import type { RetryInfo } from "./retry.js";

/** One LLM's settings, as the library takes them. Every field but `model` may be left out. */
export interface LlmConfig {
  model: string;
  baseUrl?: string;
  /** Never logged or stored. */
  apiKey?: string;
  concurrency?: number;
  timeoutMs?: number;
  maxRetries?: number;
  maxRetryAfterMs?: number;
  maxTokens?: number;
  onRetry?: (info: RetryInfo) => void;
}

/** Defaults, defined once (upstream's model; the CLI shows the same values in --help). */
export const LLM_DEFAULTS = {
  model: "gpt-4o-mini",
  concurrency: 16,
  timeoutMs: 300_000,
  maxRetries: 5,
  maxRetryAfterMs: 60_000,
} as const;

export type ResolvedLlmConfig = Required<Omit<LlmConfig, "baseUrl" | "apiKey" | "maxTokens" | "onRetry">> & Pick<LlmConfig, "baseUrl" | "apiKey" | "maxTokens" | "onRetry">;

/** How the caller names each setting in messages (the CLI passes its flags and OPENAI_API_KEY). */
export type LlmSettingNames = Record<"model" | "baseUrl" | "apiKey" | "concurrency" | "timeoutMs" | "maxRetries" | "maxRetryAfterMs" | "maxTokens", string>;

export const LIBRARY_LLM_NAMES: LlmSettingNames = {
  model: "llm.model",
  baseUrl: "llm.baseUrl",
  apiKey: "llm.apiKey",
  concurrency: "llm.concurrency",
  timeoutMs: "llm.timeoutMs",
  maxRetries: "llm.maxRetries",
  maxRetryAfterMs: "llm.maxRetryAfterMs",
  maxTokens: "llm.maxTokens",
};

/**
 * The names a resolved config was validated with (the CLI's flags, or the library's settings), so
 * that later messages about it (a rejected key, an unreachable server) name what the user set.
 */
const SETTING_NAMES = new WeakMap<object, LlmSettingNames>();

export function settingNamesOf(config: LlmConfig): LlmSettingNames | undefined {
  return SETTING_NAMES.get(config);
}

/**
 * Validates an LLM config once and fills every `undefined` with its default (an `undefined` spread
 * over defaults would otherwise erase them: retries that never stop). Without a key and a base URL
 * nothing could succeed (api.openai.com refuses), so that is an error here, before any request.
 */
export function resolveLlmConfig(config: LlmConfig, names: LlmSettingNames = LIBRARY_LLM_NAMES): ResolvedLlmConfig {
  if (typeof config.model !== "string" || config.model.trim() === "") throw usageError(`${names.model} must name a model, got ${JSON.stringify(config.model)}`);
  if (config.baseUrl !== undefined) httpUrl(names.baseUrl, config.baseUrl);
  else if (!config.apiKey) {
    throw usageError(`no LLM configured: ${names.apiKey} is not set and no ${names.baseUrl} was given`, `set ${names.apiKey} for OpenAI, or give ${names.baseUrl} for a local server (any dummy key works there)`);
  }
  const resolved: ResolvedLlmConfig = {
    model: config.model,
    baseUrl: config.baseUrl,
    apiKey: config.apiKey,
    concurrency: config.concurrency === undefined ? LLM_DEFAULTS.concurrency : positiveInt(names.concurrency, config.concurrency),
    timeoutMs: config.timeoutMs === undefined ? LLM_DEFAULTS.timeoutMs : positiveInt(names.timeoutMs, config.timeoutMs, MAX_TIMER_MS),
    maxRetries: config.maxRetries === undefined ? LLM_DEFAULTS.maxRetries : nonNegativeInt(names.maxRetries, config.maxRetries, MAX_RETRIES),
    maxRetryAfterMs: config.maxRetryAfterMs === undefined ? LLM_DEFAULTS.maxRetryAfterMs : nonNegativeInt(names.maxRetryAfterMs, config.maxRetryAfterMs, MAX_TIMER_MS),
    maxTokens: config.maxTokens === undefined ? undefined : positiveInt(names.maxTokens, config.maxTokens),
    onRetry: config.onRetry,
  };
  SETTING_NAMES.set(resolved, names);
  return resolved;
}
