import { existsSync, statSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { HippoError } from "../core/errors.js";
import { networkCode } from "../llm/failure.js";
import { normalizeRows, queryInstruction, type EmbedPurpose, type Encoder, type Matrix } from "./encoder.js";
import { applyInstruction, formatLabel, resolveInstructionFormat, type InstructionFormat } from "./instruction-format.js";

export interface OnnxEncoderOptions {
  /** Pooling over token vectors: mean (sentence-transformers default) or the [CLS] token (BGE). */
  pooling?: "mean" | "cls";
  /** Weights variant: fp32 = onnx/model.onnx, q8 = onnx/model_quantized.onnx, fp16 = onnx/model_fp16.onnx. */
  dtype?: "fp32" | "fp16" | "q8" | "int8" | "uint8" | "q4";
  /** Never touch the network: only local folders and the local cache. */
  offline?: boolean;
  /** Where downloaded hub models are cached. */
  cacheDir?: string;
  /** The Hub to download from (HF_ENDPOINT, e.g. a mirror); default https://huggingface.co. */
  hubEndpoint?: string;
  batchSize?: number;
  instructionFormat?: InstructionFormat;
}

/**
 * Local CPU embeddings through @huggingface/transformers (onnxruntime-node): a Hugging Face hub id
 * (downloaded once into the cache, unless offline) or a local folder holding config.json,
 * tokenizer.json, tokenizer_config.json and onnx/model.onnx. The library is imported only here, on
 * first use, so other commands start fast.
 */
export class OnnxEncoder implements Encoder {
  readonly id: string;
  readonly family: string;
  readonly maxBatch: number;
  private extractor?: Promise<(texts: string[], options: Record<string, unknown>) => Promise<{ dims: number[]; data: Float32Array }>>;
  private readonly format;

  constructor(
    readonly model: string,
    private readonly options: OnnxEncoderOptions = {},
  ) {
    this.maxBatch = options.batchSize ?? 32;
    this.format = resolveInstructionFormat(options.instructionFormat ?? "auto", model);
    this.family = `onnx:${isLocalFolder(model) ? `local/${basename(resolve(model))}` : model}:${options.pooling ?? "mean"}:${options.dtype ?? "fp32"}`;
    this.id = `${this.family}:${formatLabel(this.format)}`;
  }

  formatInput(text: string, purpose: EmbedPurpose): string {
    const instruction = queryInstruction(purpose);
    return applyInstruction(this.format, text, instruction);
  }

  async embedFormatted(inputs: readonly string[]): Promise<Matrix> {
    const extract = await this.load();
    const chunks: Float32Array[] = [];
    let dim = 0;
    for (let i = 0; i < inputs.length; i += this.maxBatch) {
      const output = await extract(inputs.slice(i, i + this.maxBatch), { pooling: this.options.pooling ?? "mean", normalize: true });
      dim = output.dims[output.dims.length - 1]!;
      chunks.push(Float32Array.from(output.data));
    }
    const data = new Float32Array(inputs.length * dim);
    let offset = 0;
    for (const chunk of chunks) {
      data.set(chunk, offset);
      offset += chunk.length;
    }
    return normalizeRows({ rows: inputs.length, dim, data });
  }

  private load() {
    this.extractor ??= (async () => {
      const transformers = await import("@huggingface/transformers");
      const { env, pipeline } = transformers;
      const local = isLocalFolder(this.model);
      let modelId = this.model;
      if (local) {
        const folder = resolve(this.model);
        env.localModelPath = dirname(folder);
        modelId = basename(folder);
        env.allowLocalModels = true;
        env.allowRemoteModels = false;
      } else {
        env.allowRemoteModels = !this.options.offline;
        if (this.options.cacheDir) env.cacheDir = this.options.cacheDir;
        env.remoteHost = `${(this.options.hubEndpoint ?? "https://huggingface.co").replace(/\/+$/, "")}/`;
      }
      try {
        const extractor = await pipeline("feature-extraction", modelId, {
          dtype: this.options.dtype ?? "fp32",
          local_files_only: local || this.options.offline === true,
        } as never);
        return extractor as unknown as (texts: string[], options: Record<string, unknown>) => Promise<{ dims: number[]; data: Float32Array }>;
      } catch (error) {
        const message = (error as Error).message ?? String(error);
        // No answer from the Hub at all (no network, a wrong HF_ENDPOINT): not the model id's fault.
        const network = !local && !this.options.offline ? networkCode(error) ?? (/fetch failed/i.test(message) ? "fetch failed" : undefined) : undefined;
        if (network) {
          const hub = env.remoteHost.replace(/\/+$/, "");
          throw new HippoError("REMOTE", `cannot reach the model hub at ${hub} to download "${this.model}" (${network})`, {
            cause: error,
            suggestion: `connect once to download it (it is then cached in ${env.cacheDir}), set HF_ENDPOINT for a mirror, use --offline with a cached model, or point --embedding-name at a local folder`,
          });
        }
        throw new HippoError("INPUT", `cannot load embedding model "${this.model}": ${message.split("\n")[0]}`, {
          cause: error,
          suggestion: local
            ? "the folder needs config.json, tokenizer.json, tokenizer_config.json and onnx/model.onnx (or the --embedding-dtype variant)"
            : this.options.offline
              ? "offline mode: download the model once on a connected machine, or point --embedding-name at a local folder"
              : "check the model id, or use a local folder",
        });
      }
    })();
    return this.extractor;
  }

  async dispose(): Promise<void> {
    const extractor = (await this.extractor) as unknown as { dispose?: () => Promise<void> } | undefined;
    await extractor?.dispose?.();
  }
}

function isLocalFolder(model: string): boolean {
  return (model.startsWith(".") || model.startsWith("/") || existsSync(model)) && existsSync(model) && statSync(model).isDirectory();
}
