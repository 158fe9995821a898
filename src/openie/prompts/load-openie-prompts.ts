import { loadPromptFile } from "../../core/load-prompt-file.js";
import { DEFAULT_OPENIE_PROMPTS, type OpenIEPrompts } from "./openie-prompts.js";

/** The placeholders each OpenIE prompt must keep. */
export const OPENIE_PROMPT_SLOTS = { tripleFrame: ["{passage}", "{named_entity_json}"] } as const;

/** Reads a user's prompt file: any subset of the OpenIEPrompts keys, each a string. */
export function loadOpenIEPrompts(path: string | undefined): OpenIEPrompts {
  if (!path) return DEFAULT_OPENIE_PROMPTS;
  return loadPromptFile(path, DEFAULT_OPENIE_PROMPTS, OPENIE_PROMPT_SLOTS);
}
