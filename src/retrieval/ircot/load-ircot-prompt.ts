import { InputError } from "../../core/errors.js";
import { readJsonFile } from "../../core/read-json-file.js";
import { DEFAULT_IRCOT_PROMPT, type IrcotPrompt } from "./ircot-prompt.js";

/** Reads a user's IRCoT prompt file: any subset of the IrcotPrompt keys, each a string. */
export function loadIrcotPrompt(path: string | undefined): IrcotPrompt {
  if (!path) return DEFAULT_IRCOT_PROMPT;
  const data = readJsonFile(path);
  if (typeof data !== "object" || data === null || Array.isArray(data)) throw new InputError("expected a JSON object of prompt strings", { file: path });
  const prompt: IrcotPrompt = { ...DEFAULT_IRCOT_PROMPT };
  for (const [key, value] of Object.entries(data)) {
    if (!(key in DEFAULT_IRCOT_PROMPT)) throw new InputError(`unknown key (expected one of ${Object.keys(DEFAULT_IRCOT_PROMPT).join(", ")})`, { file: path, field: key });
    if (typeof value !== "string") throw new InputError("expected a string", { file: path, field: key });
    prompt[key as keyof IrcotPrompt] = value;
  }
  for (const slot of ["{passages}", "{question}", "{thoughts}"]) if (!prompt.frame.includes(slot)) throw new InputError(`must contain ${slot}`, { file: path, field: "frame" });
  return prompt;
}
