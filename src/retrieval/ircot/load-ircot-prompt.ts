import { loadPromptFile } from "../../core/load-prompt-file.js";
import { DEFAULT_IRCOT_PROMPT, type IrcotPrompt } from "./ircot-prompt.js";

/** Reads a user's IRCoT prompt file: any subset of the IrcotPrompt keys, each a string. */
export function loadIrcotPrompt(path: string | undefined): IrcotPrompt {
  if (!path) return DEFAULT_IRCOT_PROMPT;
  return loadPromptFile(path, DEFAULT_IRCOT_PROMPT, { frame: ["{passages}", "{question}", "{thoughts}"] });
}
