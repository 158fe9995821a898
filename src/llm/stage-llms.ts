import type { ChatModel } from "./chat-model.js";
import { LIBRARY_LLM_NAMES, LLM_DEFAULTS, resolveLlmConfig, type LlmConfig, type LlmSettingNames } from "./llm-config.js";
import { OpenAIChatModel } from "./openai-chat-model.js";

/** The stages that call an LLM; each may have its own model (upstream HEAD: separate extraction and QA LLMs). */
export type LlmStage = "openie" | "filter" | "qa";
export const LLM_STAGES: readonly LlmStage[] = ["openie", "filter", "qa"];

/** A stage's LLM: settings for an OpenAI-compatible server, or a ready ChatModel (tests, custom backends). */
export type StageLlmInput = LlmConfig | ChatModel;

/**
 * LLMs per stage. The filter follows QA unless it has its own; a stage left out has no LLM (its step
 * then needs none: imported OpenIE, --no-filter, no QA).
 */
export interface StageLlmConfig {
  openie?: StageLlmInput;
  filter?: StageLlmInput;
  qa?: StageLlmInput;
}

export interface StageLlm {
  /** The backend, uncached (HippoRag wraps it in the workspace cache). */
  model: ChatModel;
  modelId: string;
  concurrency: number;
  maxTokens?: number;
}

export function isChatModel(value: unknown): value is ChatModel {
  return typeof value === "object" && value !== null && typeof (value as ChatModel).generate === "function" && typeof (value as ChatModel).modelId === "string";
}

/** One config for every stage (`{ model, … }`), or a map of stages (`{ openie, filter, qa }`). */
export function isStageMap(value: LlmConfig | StageLlmConfig): value is StageLlmConfig {
  return !("model" in value) && !isChatModel(value);
}

/**
 * Validates each stage's LLM once (the CLI's rules, src/llm/llm-config.ts) and builds its backend.
 * Stages given the same config object share one backend, hence one circuit breaker.
 */
export function resolveStageLlms(llm: LlmConfig | StageLlmConfig | undefined, names?: (stage: LlmStage) => LlmSettingNames): Partial<Record<LlmStage, StageLlm>> {
  if (!llm) return {};
  const inputs: Partial<Record<LlmStage, StageLlmInput>> = isStageMap(llm) ? { openie: llm.openie, qa: llm.qa, filter: llm.filter ?? llm.qa } : { openie: llm, filter: llm, qa: llm };
  const built = new Map<StageLlmInput, StageLlm>();
  const out: Partial<Record<LlmStage, StageLlm>> = {};
  for (const stage of LLM_STAGES) {
    const input = inputs[stage];
    if (!input) continue;
    let resolved = built.get(input);
    if (!resolved) {
      resolved = isChatModel(input) ? { model: input, modelId: input.modelId, concurrency: LLM_DEFAULTS.concurrency } : fromConfig(input, names?.(stage) ?? stageNames(stage, isStageMap(llm)));
      built.set(input, resolved);
    }
    out[stage] = resolved;
  }
  return out;
}

function fromConfig(config: LlmConfig, names: LlmSettingNames): StageLlm {
  const resolved = resolveLlmConfig(config, names);
  return {
    model: new OpenAIChatModel(resolved.model, {
      baseUrl: resolved.baseUrl,
      apiKey: resolved.apiKey,
      timeoutMs: resolved.timeoutMs,
      retry: { maxRetries: resolved.maxRetries, maxRetryAfterMs: resolved.maxRetryAfterMs },
      onRetry: resolved.onRetry,
      names: { model: names.model, baseUrl: names.baseUrl, apiKey: names.apiKey },
    }),
    modelId: resolved.model,
    concurrency: resolved.concurrency,
    maxTokens: resolved.maxTokens,
  };
}

/** Library messages name `llm.qa.baseUrl` for a stage map, `llm.baseUrl` for one shared config. */
function stageNames(stage: LlmStage, perStage: boolean): LlmSettingNames {
  if (!perStage) return LIBRARY_LLM_NAMES;
  return Object.fromEntries(Object.entries(LIBRARY_LLM_NAMES).map(([key, name]) => [key, name.replace(/^llm\./, `llm.${stage}.`)])) as LlmSettingNames;
}
