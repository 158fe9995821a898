/** One chat message, OpenAI shape. */
export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface ChatRequest {
  messages: ChatMessage[];
  /** Upper bound on generated tokens; undefined = the server's default. */
  maxTokens?: number;
  /** 0 by default, as upstream. */
  temperature?: number;
  seed?: number;
  /** Pipeline stage that asked ("openie-ner", "openie-triples", "filter", "qa"); recorded in the cache. */
  stage: string;
}

export interface ChatResult {
  text: string;
  /** "stop", "length", … as the server reported it. */
  finishReason: string;
  promptTokens: number;
  completionTokens: number;
  cacheHit: boolean;
}

/** Smallest interface every chat backend and wrapper implements. */
export interface ChatModel {
  readonly modelId: string;
  generate(request: ChatRequest, options?: { signal?: AbortSignal; accept?: (result: ChatResult) => boolean }): Promise<ChatResult>;
}

/** The body of an OpenAI chat completion request, shared by online calls and batch export. */
export function chatRequestBody(modelId: string, request: ChatRequest): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model: modelId,
    messages: request.messages,
    temperature: request.temperature ?? 0,
  };
  if (request.seed !== undefined) body.seed = request.seed;
  if (request.maxTokens !== undefined) {
    // Upstream (spec §12): OpenAI "gpt" models take max_completion_tokens; vLLM, Ollama, llama.cpp take max_tokens.
    body[usesMaxCompletionTokens(modelId) ? "max_completion_tokens" : "max_tokens"] = request.maxTokens;
  }
  return body;
}

export function usesMaxCompletionTokens(modelId: string): boolean {
  return modelId.includes("gpt") || /^o\d/.test(modelId);
}
