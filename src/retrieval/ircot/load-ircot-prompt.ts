import { loadPromptFile } from "../../core/load-prompt-file.js";
import { DEFAULT_IRCOT_PROMPT, type IrcotPrompt } from "./ircot-prompt.js";

/** The placeholders the IRCoT prompt's frame must keep. */
export const IRCOT_PROMPT_SLOTS = { frame: ["{passages}", "{question}", "{thoughts}"] } as const;

/** Reads a user's IRCoT prompt file: any subset of the IrcotPrompt keys, each a string. */
export function loadIrcotPrompt(path: string | undefined): IrcotPrompt {
  if (!path) return DEFAULT_IRCOT_PROMPT;
  return loadPromptFile(path, DEFAULT_IRCOT_PROMPT, IRCOT_PROMPT_SLOTS);
}
