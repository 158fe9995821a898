import { usageError } from "../core/errors.js";
import type { Encoder } from "./encoder.js";
import type { InstructionFormat } from "./instruction-format.js";
import { LexicalEncoder } from "./lexical-encoder.js";

export interface EncoderSettings {
  /** "lexical" (built in), "onnx:<hub id or folder>", or any model name served at `baseUrl`. */
  name: string;
  baseUrl?: string;
  apiKey?: string;
  batchSize?: number;
  concurrency?: number;
  instructionFormat?: InstructionFormat;
  pooling?: "mean" | "cls";
  dtype?: "fp32" | "fp16" | "q8";
  offline?: boolean;
  /** The Hub onnx: models are downloaded from (HF_ENDPOINT). */
  hubEndpoint?: string;
  timeoutMs?: number;
  maxRetries?: number;
  maxRetryAfterMs?: number;
}

export const DEFAULT_ENCODER = "lexical";

/** Every setting of EncoderSettings (a Record, so that a new one cannot be left out of the library's check). */
export const ENCODER_SETTING_KEYS: Record<keyof EncoderSettings, true> = {
  name: true, baseUrl: true, apiKey: true, batchSize: true, concurrency: true, instructionFormat: true, pooling: true, dtype: true,
  offline: true, hubEndpoint: true, timeoutMs: true, maxRetries: true, maxRetryAfterMs: true,
};

/** Picks the encoder implementation from its name; heavy modules load lazily. */
export async function createEncoder(settings: EncoderSettings): Promise<Encoder> {
  if (settings.name === "lexical") return new LexicalEncoder();
  if (settings.name.startsWith("onnx:")) {
    const { OnnxEncoder } = await import("./onnx-encoder.js");
    return new OnnxEncoder(settings.name.slice("onnx:".length), {
      pooling: settings.pooling,
      dtype: settings.dtype,
      offline: settings.offline,
      hubEndpoint: settings.hubEndpoint,
      batchSize: settings.batchSize,
      instructionFormat: settings.instructionFormat,
    });
  }
  if (!settings.baseUrl && !settings.apiKey) {
    throw usageError(`embedding model "${settings.name}" needs a server: pass --embedding-base-url (embedding.baseUrl in the library), or set OPENAI_API_KEY for OpenAI`, 'use --embedding-name lexical (embedding.name) for the built-in encoder, or onnx:<model> for a local model');
  }
  const { OpenAIEncoder } = await import("./openai-encoder.js");
  return new OpenAIEncoder(settings.name, {
    baseUrl: settings.baseUrl,
    apiKey: settings.apiKey,
    batchSize: settings.batchSize,
    concurrency: settings.concurrency,
    instructionFormat: settings.instructionFormat,
    timeoutMs: settings.timeoutMs,
    retry: {
      ...(settings.maxRetries === undefined ? {} : { maxRetries: settings.maxRetries }),
      ...(settings.maxRetryAfterMs === undefined ? {} : { maxRetryAfterMs: settings.maxRetryAfterMs }),
    },
  });
}
