import { usageError } from "./core/errors.js";
import { checkPrompt } from "./core/load-prompt-file.js";
import { knownKeys, oneOf, show } from "./core/validate.js";
import { ENCODER_SETTING_KEYS } from "./embedding/create-encoder.js";
import { OPENIE_PROMPT_SLOTS } from "./openie/prompts/load-openie-prompts.js";
import { DEFAULT_OPENIE_PROMPTS } from "./openie/prompts/openie-prompts.js";
import { DEFAULT_IRCOT_PROMPT } from "./retrieval/ircot/ircot-prompt.js";
import { IRCOT_PROMPT_SLOTS } from "./retrieval/ircot/load-ircot-prompt.js";
import { VECTOR_STORE_KINDS } from "./store/vector-store.js";

/**
 * The library config's own settings, checked once at HippoRag.open before anything is opened or
 * sent: a wrong type fails here naming the setting, not later as a TypeError deep in a stage (or a
 * paid request with empty prompts). The LLM, retrieval and qaTopK have their checks beside them.
 */
export function checkHippoRagConfig(config: unknown, keys: readonly string[]): void {
  if (typeof config !== "object" || config === null || Array.isArray(config)) throw usageError(`the config must be an object ({ saveDir, … }), got ${show(config)}`);
  knownKeys("config", config, keys);
  const c = config as Record<string, unknown>;
  if (typeof c.saveDir !== "string" || c.saveDir.trim() === "") throw usageError(`saveDir must name the workspace folder, got ${show(c.saveDir)}`);
  if (c.openieModel !== undefined && (typeof c.openieModel !== "string" || c.openieModel.trim() === "")) throw usageError(`openieModel must name a model, got ${show(c.openieModel)}`);
  for (const flag of ["createWorkspace", "acceptTruncated"] as const) {
    if (c[flag] !== undefined && typeof c[flag] !== "boolean") throw usageError(`${flag} must be true or false, got ${show(c[flag])}`);
  }
  if (c.vectorDtype !== undefined) oneOf("vectorDtype", c.vectorDtype, ["f32", "f16"] as const);
  if (c.embedding !== undefined) {
    const e = c.embedding;
    if (typeof e !== "object" || e === null) throw usageError(`embedding must be an object ({ name, baseUrl?, … }), got ${show(e)}`);
    knownKeys("embedding", e, Object.keys(ENCODER_SETTING_KEYS));
    const name = (e as Record<string, unknown>).name;
    if (typeof name !== "string" || name.trim() === "") throw usageError(`embedding.name must name an encoder ("lexical", "onnx:<model>" or a served model), got ${show(name)}`);
  }
  if (c.encoder !== undefined) {
    const e = c.encoder as Record<string, unknown> | null;
    const missing = ["id", "maxBatch", "formatInput", "embedFormatted"].filter((member) => typeof e !== "object" || e === null || e[member] === undefined);
    if (missing.length) throw usageError(`encoder must implement Encoder (src/embedding/encoder.ts): it lacks ${missing.join(", ")}`, "or give embedding: { name } and let the library build it");
  }
  if (c.vectorStore !== undefined && !(typeof c.vectorStore === "object" && c.vectorStore !== null && "upsert" in c.vectorStore)) {
    const v = c.vectorStore;
    const kind = typeof v === "string" ? v : typeof v === "object" && v !== null ? (v as Record<string, unknown>).kind : undefined;
    oneOf("vectorStore" + (typeof v === "string" ? "" : ".kind"), kind, VECTOR_STORE_KINDS);
    if (typeof v === "object" && v !== null) {
      knownKeys("vectorStore", v, ["kind", "url"]);
      const url = (v as Record<string, unknown>).url;
      if (url !== undefined && typeof url !== "string") throw usageError(`vectorStore.url must be a string (a folder, an object-store URI or a server URL), got ${show(url)}`);
    }
  }
  if (c.openiePrompts !== undefined) checkPrompt("openiePrompts", c.openiePrompts, DEFAULT_OPENIE_PROMPTS, OPENIE_PROMPT_SLOTS);
  if (c.ircotPrompt !== undefined) checkPrompt("ircotPrompt", c.ircotPrompt, DEFAULT_IRCOT_PROMPT, IRCOT_PROMPT_SLOTS);
  if (c.logger !== undefined) {
    const l = c.logger as Record<string, unknown> | null;
    const missing = ["debug", "info", "warn", "error"].filter((method) => typeof l !== "object" || l === null || typeof l[method] !== "function");
    if (missing.length) throw usageError(`logger must have debug, info, warn and error methods: it lacks ${missing.join(", ")}`, "e.g. { debug() {}, info: console.log, warn: console.warn, error: console.error }");
  }
}
