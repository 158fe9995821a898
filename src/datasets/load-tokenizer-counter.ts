import { existsSync, statSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { HippoError } from "../core/errors.js";
import type { TokenCounter } from "./token-count.js";

/**
 * The tokenizer of a local transformers.js model (a folder with tokenizer.json, or a hub id already
 * in the cache), never downloaded: chunking must not touch the network, and a tokenizer that is not
 * there is a reason to fall back to the approximation, not to fail. Returns undefined then.
 */
export async function loadTokenizerCounter(model: string, options: { cacheDir?: string } = {}): Promise<TokenCounter | undefined> {
  const transformers = await import("@huggingface/transformers");
  const { env, AutoTokenizer } = transformers;
  const local = existsSync(model) && statSync(model).isDirectory();
  const saved = { localModelPath: env.localModelPath, allowLocalModels: env.allowLocalModels, allowRemoteModels: env.allowRemoteModels, cacheDir: env.cacheDir };
  try {
    let id = model;
    if (local) {
      env.localModelPath = dirname(resolve(model));
      env.allowLocalModels = true;
      id = basename(resolve(model));
    }
    env.allowRemoteModels = false;
    if (options.cacheDir) env.cacheDir = options.cacheDir;
    const tokenizer = await AutoTokenizer.from_pretrained(id, { local_files_only: true } as never);
    const encode = tokenizer as unknown as { encode(text: string, options: { add_special_tokens: boolean }): number[] };
    return { id: `tokenizer:${local ? `local/${basename(resolve(model))}` : model}`, count: (text) => encode.encode(text, { add_special_tokens: false }).length };
  } catch (error) {
    if (HippoError.isInstance(error)) throw error;
    return undefined;
  } finally {
    Object.assign(env, saved);
  }
}
