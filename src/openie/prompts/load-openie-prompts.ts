import { InputError } from "../../core/errors.js";
import { readJsonFile } from "../../core/read-json-file.js";
import { DEFAULT_OPENIE_PROMPTS, type OpenIEPrompts } from "./openie-prompts.js";

/** Reads a user's prompt file: any subset of the OpenIEPrompts keys, each a string. */
export function loadOpenIEPrompts(path: string | undefined): OpenIEPrompts {
  if (!path) return DEFAULT_OPENIE_PROMPTS;
  const data = readJsonFile(path);
  if (typeof data !== "object" || data === null || Array.isArray(data)) throw new InputError("expected a JSON object of prompt strings", { file: path });
  const prompts: OpenIEPrompts = { ...DEFAULT_OPENIE_PROMPTS };
  for (const [key, value] of Object.entries(data)) {
    if (!(key in DEFAULT_OPENIE_PROMPTS)) {
      throw new InputError(`unknown key (expected one of ${Object.keys(DEFAULT_OPENIE_PROMPTS).join(", ")})`, { file: path, field: key });
    }
    if (typeof value !== "string") throw new InputError("expected a string", { file: path, field: key });
    (prompts as unknown as Record<string, string>)[key] = value;
  }
  if (!prompts.tripleFrame.includes("{passage}") || !prompts.tripleFrame.includes("{named_entity_json}")) {
    throw new InputError("must contain {passage} and {named_entity_json}", { file: path, field: "tripleFrame" });
  }
  return prompts;
}
