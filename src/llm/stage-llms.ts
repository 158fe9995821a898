import { usageError } from "../core/errors.js";
import { knownKeys } from "../core/validate.js";
import type { ChatModel } from "./chat-model.js";
import { LIBRARY_LLM_NAMES, LLM_DEFAULTS, resolveLlmConfig, settingNamesOf, type LlmConfig, type LlmSettingNames } from "./llm-config.js";
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
  checkLlmKeys(llm);
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

function fromConfig(config: LlmConfig, fallback: LlmSettingNames): StageLlm {
  // A config the CLI resolved keeps its flag names (the filter may run on the --qa-llm-* config).
  const names = settingNamesOf(config) ?? fallback;
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

/** Every setting of LlmConfig (a Record, so that a new one cannot be left out of the check). */
const LLM_CONFIG_KEYS: Record<keyof LlmConfig, true> = {
  model: true, baseUrl: true, apiKey: true, concurrency: true, timeoutMs: true, maxRetries: true, maxRetryAfterMs: true, maxTokens: true, onRetry: true,
};

/**
 * A typo in the LLM config is refused, not read as a stage map with no stages (`{ modle: "x",
 * baseUrl }` had no LLM at all, and the default model was asked for): one config takes LlmConfig's
 * settings, a stage map openie / filter / qa, each of them a config or a ChatModel.
 */
function checkLlmKeys(llm: LlmConfig | StageLlmConfig): void {
  if (typeof llm !== "object" || llm === null) throw usageError(`llm must be an LLM config ({ model, baseUrl, … }) or a map of stages ({ openie, filter, qa }), got ${String(llm)}`);
  if (isChatModel(llm)) return;
  const keys = Object.keys(llm).filter((key) => (llm as Record<string, unknown>)[key] !== undefined);
  if (isStageMap(llm)) {
    if (keys.some((key) => key in LLM_CONFIG_KEYS)) throw usageError(`llm.model must name a model: llm has ${keys.join(", ")} but no model`, "add model, or give one config per stage as llm: { openie, filter, qa }");
    knownKeys("llm", llm, LLM_STAGES);
    for (const stage of LLM_STAGES) {
      const input = llm[stage] as unknown;
      if (input === undefined) continue;
      if (typeof input !== "object" || input === null) throw usageError(`llm.${stage} must be an LLM config ({ model, baseUrl, … }) or a ChatModel, got ${input === null ? "null" : typeof input}`, `leave llm.${stage} out to ${stage === "filter" ? "use the QA LLM" : "have no LLM for it"}`);
      if (!isChatModel(input)) knownKeys(`llm.${stage}`, input, Object.keys(LLM_CONFIG_KEYS));
    }
  } else {
    knownKeys("llm", llm, Object.keys(LLM_CONFIG_KEYS));
  }
}
