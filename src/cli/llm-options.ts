import type { Command } from "commander";
import { usageError } from "../core/errors.js";
import { httpUrl, MAX_RETRIES, MAX_TIMER_MS, nonNegativeInt } from "../core/validate.js";
import { LLM_DEFAULTS, resolveLlmConfig, type LlmConfig, type LlmSettingNames, type ResolvedLlmConfig } from "../llm/llm-config.js";
import { LLM_STAGES, type LlmStage, type StageLlmConfig } from "../llm/stage-llms.js";
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
    .option("--llm-base-url <url>", "OpenAI-compatible base URL (vLLM, Ollama, llama.cpp, Azure deployment URL); default OpenAI", (v: string) => httpUrl("--llm-base-url", v))
    .option("--concurrency <n>", "LLM requests in flight at once", parsePositiveInt("--concurrency"), LLM_DEFAULTS.concurrency)
    .option("--request-timeout <seconds>", "per-request timeout", parsePositiveInt("--request-timeout", Math.floor(MAX_TIMER_MS / 1000)), LLM_DEFAULTS.timeoutMs / 1000)
    .option("--max-retries <n>", "retries per request (429, 5xx, timeouts, dropped connections)", (v) => nonNegativeInt("--max-retries", v, MAX_RETRIES), LLM_DEFAULTS.maxRetries)
    .option("--max-retry-after <seconds>", "cap on a server's Retry-After", parsePositiveInt("--max-retry-after", Math.floor(MAX_TIMER_MS / 1000)), LLM_DEFAULTS.maxRetryAfterMs / 1000)
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

const STAGE_ROLES: Record<LlmStage, string> = {
  openie: "OpenIE (entities and triples)",
  filter: "the recognition-memory filter and query NER (default: the QA LLM)",
  qa: "QA (reading the passages)",
};

/**
 * A model per stage: `--<stage>-llm-name`, `--<stage>-llm-base-url`, `--<stage>-llm-key-env` (the
 * environment variable holding that stage's key), `--<stage>-concurrency`, `--<stage>-max-tokens`.
 * Each defaults to the shared --llm-* setting; the filter follows QA unless given its own.
 */
export function stageLlmOptions(command: Command, stages: readonly LlmStage[] = LLM_STAGES): Command {
  for (const stage of stages) {
    command
      .option(`--${stage}-llm-name <model>`, `model for ${STAGE_ROLES[stage]}${stage === "openie" ? "; naming it chooses whose OpenIE the index uses, extracting what is missing" : ""}`)
      .option(`--${stage}-llm-base-url <url>`, `server for ${STAGE_ROLES[stage]}`, (v: string) => httpUrl(`--${stage}-llm-base-url`, v))
      .option(`--${stage}-llm-key-env <var>`, `environment variable holding that server's key (default OPENAI_API_KEY)`)
      .option(`--${stage}-concurrency <n>`, `requests in flight for ${stage}`, parsePositiveInt(`--${stage}-concurrency`))
      .option(`--${stage}-max-tokens <n>`, `max tokens per ${stage} reply`, parsePositiveInt(`--${stage}-max-tokens`));
  }
  return command;
}

export type StageLlmCliOptions = Partial<Record<`${LlmStage}LlmName` | `${LlmStage}LlmBaseUrl` | `${LlmStage}LlmKeyEnv`, string>> &
  Partial<Record<`${LlmStage}Concurrency` | `${LlmStage}MaxTokens`, number>>;

/**
 * The library's LLM config from the CLI: one shared config when no stage has its own settings,
 * otherwise a config per stage (each filled from the shared flags), validated with flag names. The
 * OpenIE results to use are named only by --openie-llm-name, or by --llm-name when no LLM is
 * configured at all (a graph-only run on imported OpenIE).
 */
export function resolveStageLlmCli(options: LlmOptions & StageLlmCliOptions): { llm?: LlmConfig | StageLlmConfig; openieModel?: string } {
  const shared = llmConfigured(options) ? resolveLlm(options) : undefined;
  const stageConfig = (stage: LlmStage): LlmConfig | undefined => {
    const o = options as unknown as Record<string, string | number | undefined>;
    const name = o[`${stage}LlmName`] as string | undefined;
    const baseUrl = o[`${stage}LlmBaseUrl`] as string | undefined;
    const keyEnv = o[`${stage}LlmKeyEnv`] as string | undefined;
    const concurrency = o[`${stage}Concurrency`] as number | undefined;
    const maxTokens = o[`${stage}MaxTokens`] as number | undefined;
    if (name === undefined && baseUrl === undefined && keyEnv === undefined && concurrency === undefined && maxTokens === undefined) return undefined;
    // A variable named for the key must hold one: unset, the stage would be "not configured", and
    // the message would send the user to OPENAI_API_KEY instead of the variable they named.
    if (keyEnv !== undefined && !process.env[keyEnv]) throw usageError(`--${stage}-llm-key-env ${keyEnv}: the environment variable ${keyEnv} is not set (or empty)`, `set it to the key of the ${stage} server, or leave out --${stage}-llm-key-env`);
    const apiKey = keyEnv ? process.env[keyEnv] : (baseUrl ?? shared?.baseUrl) === shared?.baseUrl ? shared?.apiKey : process.env.OPENAI_API_KEY;
    if (!baseUrl && !shared && !apiKey) return undefined; // a name alone, with no server: it only names whose results to use
    return resolveLlmConfig(
      { ...(shared ?? {}), model: name ?? shared?.model ?? DEFAULT_LLM, baseUrl: baseUrl ?? shared?.baseUrl, apiKey, concurrency: concurrency ?? shared?.concurrency ?? options.concurrency, maxTokens: maxTokens ?? shared?.maxTokens, timeoutMs: options.requestTimeout * 1000, maxRetries: options.maxRetries, maxRetryAfterMs: options.maxRetryAfter * 1000 },
      stageNames(stage, keyEnv),
    );
  };
  const own = { openie: stageConfig("openie"), filter: stageConfig("filter"), qa: stageConfig("qa") };
  const openieModel = options.openieLlmName ?? (shared || own.openie ? undefined : options.llmName);
  if (!own.openie && !own.filter && !own.qa) return { llm: shared, openieModel };
  return { llm: { openie: own.openie ?? shared, qa: own.qa ?? shared, filter: own.filter ?? own.qa ?? shared }, openieModel };
}

function stageNames(stage: LlmStage, keyEnv: string | undefined): LlmSettingNames {
  return {
    model: `--${stage}-llm-name`,
    baseUrl: `--${stage}-llm-base-url`,
    apiKey: keyEnv ?? "OPENAI_API_KEY",
    concurrency: `--${stage}-concurrency`,
    timeoutMs: "--request-timeout",
    maxRetries: "--max-retries",
    maxRetryAfterMs: "--max-retry-after",
    maxTokens: `--${stage}-max-tokens`,
  };
}
