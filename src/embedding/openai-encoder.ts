import pLimit from "p-limit";
import { HippoError } from "../core/errors.js";
import { redactSecrets } from "../core/redact.js";
import { CircuitBreaker } from "../llm/circuit-breaker.js";
import { createOpenAIClient, type OpenAIClientSettings } from "../llm/openai-chat-model.js";
import { ReplyWithoutText } from "../llm/reply-without-text.js";
import { retryPolicy, withRetries, type RetryPolicy } from "../llm/retry.js";
import { normalizeRows, queryInstruction, type EmbedPurpose, type Encoder, type Matrix } from "./encoder.js";
import { applyInstruction, formatLabel, resolveInstructionFormat, type InstructionFormat } from "./instruction-format.js";

export interface OpenAIEncoderOptions extends OpenAIClientSettings {
  /** Texts per request (upstream main.py: 8; APIs take far more). */
  batchSize?: number;
  /** Requests in flight. */
  concurrency?: number;
  instructionFormat?: InstructionFormat;
  /** Wire format asked for; both are decoded here (some servers ignore the request and send floats). */
  encodingFormat?: "float" | "base64";
}

/**
 * Embeddings from any OpenAI-compatible endpoint (OpenAI, vLLM, TEI, Ollama…). Unlike upstream's
 * OpenAI class, query instructions are applied per model family (NV-Embed "Instruct: …\nQuery: ")
 * and can be set explicitly; they are never dropped silently.
 */
export class OpenAIEncoder implements Encoder {
  readonly id: string;
  readonly family: string;
  readonly endpoint: string;
  readonly maxBatch: number;
  private readonly client;
  private readonly format;
  private readonly limit;
  private readonly policy: RetryPolicy;
  private readonly breaker: CircuitBreaker;

  constructor(
    readonly model: string,
    private readonly options: OpenAIEncoderOptions,
  ) {
    this.client = createOpenAIClient(options);
    this.format = resolveInstructionFormat(options.instructionFormat ?? "auto", model);
    this.maxBatch = (options.batchSize ?? 64) * (options.concurrency ?? 4);
    this.limit = pLimit(options.concurrency ?? 4);
    this.policy = retryPolicy(options.retry);
    this.family = `openai:${model}`;
    this.id = `${this.family}:${formatLabel(this.format)}`;
    this.endpoint = options.baseUrl ?? "https://api.openai.com/v1";
    this.breaker = new CircuitBreaker(`the embedding server at ${this.endpoint}`, "OPENAI_API_KEY and --embedding-base-url", undefined, { id: model, settings: "--embedding-name and --embedding-base-url" });
  }

  formatInput(text: string, purpose: EmbedPurpose): string {
    const instruction = queryInstruction(purpose);
    // Empty strings make most servers fail the whole batch (upstream sends " ").
    return applyInstruction(this.format, text, instruction) || " ";
  }

  async embedFormatted(inputs: readonly string[], signal?: AbortSignal): Promise<Matrix> {
    const batchSize = this.options.batchSize ?? 64;
    const batches: string[][] = [];
    for (let i = 0; i < inputs.length; i += batchSize) batches.push(inputs.slice(i, i + batchSize));
    const results = await Promise.all(batches.map((batch) => this.limit(() => this.embedBatch(batch, signal))));
    const dim = results[0]?.[0]?.length ?? 0;
    // A 0-dimensional reply would be stored and fix the index's size at 0 (every score meaningless).
    if (inputs.length > 0 && dim === 0) throw new HippoError("REMOTE", `embedding server at ${this.endpoint} returned empty (0-dimensional) vectors for model ${this.model}`);
    const data = new Float32Array(inputs.length * dim);
    let row = 0;
    for (const vectors of results) {
      for (const vector of vectors) {
        if (vector.length !== dim) throw new HippoError("REMOTE", `embedding server returned vectors of different sizes (${vector.length} vs ${dim})`);
        data.set(vector, row++ * dim);
      }
    }
    return normalizeRows({ rows: inputs.length, dim, data });
  }

  private async embedBatch(batch: string[], signal?: AbortSignal): Promise<Float32Array[]> {
    const encoding = this.options.encodingFormat ?? "base64";
    const secrets = this.options.apiKey ? [this.options.apiKey] : [];
    const response = await withRetries(
      async () => {
        const reply = await this.client.embeddings.create({ model: this.model, input: batch, encoding_format: encoding }, { signal });
        // A 200 without a data list (a gateway's {"error": …}) is a failed attempt: retried and quoted.
        if (!Array.isArray((reply as { data?: unknown }).data)) throw new ReplyWithoutText(reply, "embedding list", (text) => redactSecrets(text, secrets));
        return reply;
      },
      this.policy,
      { signal, what: `embedding call (model ${this.model})`, onRetry: this.options.onRetry, secrets, breaker: this.breaker },
    );
    const data = [...(response.data ?? [])].sort((a, b) => a.index - b.index);
    if (data.length !== batch.length) {
      throw new HippoError("REMOTE", `embedding server returned ${data.length} vectors for ${batch.length} inputs`);
    }
    // Each input's vector exactly once, at its position (a repeated or missing index would pair texts with other texts' vectors).
    if (data.some((item, i) => item.index !== i)) {
      throw new HippoError("REMOTE", `embedding server returned vectors with indices ${data.map((item) => item.index).slice(0, 8).join(", ")}${data.length > 8 ? ", …" : ""} for ${batch.length} inputs (expected 0 to ${batch.length - 1}, each once)`);
    }
    return data.map((item) => decodeEmbedding(item.embedding as unknown));
  }
}

/** An embedding as floats: a JSON number array, or base64 of little-endian float32. */
export function decodeEmbedding(value: unknown): Float32Array {
  let out: Float32Array;
  if (typeof value === "string") {
    const bytes = Buffer.from(value, "base64");
    if (bytes.length % 4 !== 0) throw new HippoError("REMOTE", `embedding server returned a base64 embedding of ${bytes.length} bytes, not a whole number of float32 values`);
    out = new Float32Array(bytes.length / 4);
    new Uint8Array(out.buffer).set(bytes);
  } else if (Array.isArray(value) && value.every((v) => typeof v === "number")) out = Float32Array.from(value);
  else throw new HippoError("REMOTE", "embedding server returned an embedding that is neither a number list nor base64");
  return out; // NaN and ±Infinity are refused where the batch is stored, naming its texts (embedding-store.ts)
}
