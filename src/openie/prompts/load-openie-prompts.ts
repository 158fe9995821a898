import { loadPromptFile } from "../../core/load-prompt-file.js";
import { DEFAULT_OPENIE_PROMPTS, type OpenIEPrompts } from "./openie-prompts.js";

/** Reads a user's prompt file: any subset of the OpenIEPrompts keys, each a string. */
export function loadOpenIEPrompts(path: string | undefined): OpenIEPrompts {
  if (!path) return DEFAULT_OPENIE_PROMPTS;
  return loadPromptFile(path, DEFAULT_OPENIE_PROMPTS, { tripleFrame: ["{passage}", "{named_entity_json}"] });
}
