import OpenAI from "openai";
import { CircuitBreaker } from "./circuit-breaker.js";
import { redactSecrets } from "../core/redact.js";
import { ReplyWithoutText } from "./reply-without-text.js";
import { chatRequestBody, type ChatModel, type ChatRequest, type ChatResult } from "./chat-model.js";
import { retryPolicy, withRetries, type RetryInfo, type RetryPolicy } from "./retry.js";

export interface OpenAIClientSettings {
  /** e.g. https://api.openai.com/v1, http://localhost:8000/v1 (vLLM), http://localhost:11434/v1 (Ollama);
   * an Azure deployment URL with `?api-version=…` also works. */
  baseUrl?: string;
  /** Never logged or stored. A dummy key is fine for local servers. */
  apiKey?: string;
  /** Per-request timeout. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  onRetry?: (info: RetryInfo) => void;
  /** How the user names the model, server and key (errors say what to check): the CLI's flags by default. */
  names?: { model: string; baseUrl: string; apiKey: string };
}

/** Builds an `openai` SDK client for any OpenAI-compatible server. SDK retries are off: ours cap Retry-After. */
export function createOpenAIClient(settings: OpenAIClientSettings): OpenAI {
  let baseURL = settings.baseUrl;
  let defaultQuery: Record<string, string> | undefined;
  const defaultHeaders: Record<string, string> = {};
  if (baseURL) {
    const url = new URL(baseURL);
    const apiVersion = url.searchParams.get("api-version");
    if (apiVersion) {
      // Azure style: deployment URL + api-version query + api-key header.
      defaultQuery = { "api-version": apiVersion };
      url.search = "";
      baseURL = url.toString().replace(/\/$/, "");
      if (settings.apiKey) defaultHeaders["api-key"] = settings.apiKey;
    }
  }
  return new OpenAI({
    apiKey: settings.apiKey || "sk-no-key-required",
    baseURL,
    defaultQuery,
    defaultHeaders,
    maxRetries: 0,
    timeout: settings.timeoutMs ?? 300_000,
  });
}

/** Chat over the OpenAI HTTP API: builds the body, retries transient failures, reports usage. */
export class OpenAIChatModel implements ChatModel {
  readonly modelId: string;
  private readonly client: OpenAI;
  private readonly policy: RetryPolicy;
  private readonly onRetry?: (info: RetryInfo) => void;
  private readonly secrets: string[];
  private readonly breaker: CircuitBreaker;

  constructor(modelId: string, settings: OpenAIClientSettings) {
    this.secrets = settings.apiKey ? [settings.apiKey] : [];
    this.modelId = modelId;
    this.client = createOpenAIClient(settings);
    this.policy = retryPolicy(settings.retry);
    this.onRetry = settings.onRetry;
    const names = settings.names ?? { model: "--llm-name", baseUrl: "--llm-base-url", apiKey: "OPENAI_API_KEY" };
    this.breaker = new CircuitBreaker(
      `the LLM server at ${settings.baseUrl ?? "https://api.openai.com/v1"}`,
      settings.baseUrl ? `${names.apiKey} and ${names.baseUrl}` : `${names.apiKey} (or give ${names.baseUrl} for another server)`,
      undefined,
      { id: modelId, settings: `${names.model} and ${names.baseUrl}` },
    );
  }

  async generate(request: ChatRequest, options: { signal?: AbortSignal } = {}): Promise<ChatResult> {
    const body = chatRequestBody(this.modelId, request) as unknown as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming;
    // The reply is read inside the retried call: a 200 without text (a gateway's {"error": …}) is a
    // failed attempt like a 502, retried, counted by the breaker, and quoted when it is the last one.
    return withRetries(
      async () => parseCompletion(await this.client.chat.completions.create(body, { signal: options.signal }), this.secrets),
      this.policy,
      { signal: options.signal, onRetry: this.onRetry, what: `LLM call (${request.stage}, model ${this.modelId})`, secrets: this.secrets, breaker: this.breaker },
    );
  }
}

/**
 * Extracts text, finish reason and usage from a chat completion (online or from a batch output line).
 * A server could echo the credentials into any field; what comes from it is cached, stored, parsed
 * and quoted in messages, so every string taken from it is scrubbed here, at the source.
 */
export function parseCompletion(completion: unknown, secrets: readonly string[] = []): ChatResult {
  const scrub = (value: string) => redactSecrets(value, secrets);
  const choice = (completion as { choices?: { message?: { content?: unknown }; finish_reason?: unknown }[] })?.choices?.[0];
  const text = choice?.message?.content;
  if (typeof text !== "string") throw new ReplyWithoutText(completion, "message text", scrub);
  const usage = (completion as { usage?: { prompt_tokens?: number; completion_tokens?: number } }).usage;
  return {
    text: scrub(text),
    finishReason: typeof choice?.finish_reason === "string" ? scrub(choice.finish_reason) : "stop",
    promptTokens: finiteCount(usage?.prompt_tokens),
    completionTokens: finiteCount(usage?.completion_tokens),
    cacheHit: false,
  };
}

/** Token counts as reported, when they are counts at all (a hostile reply may send anything). */
function finiteCount(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? Math.floor(value) : 0;
}
