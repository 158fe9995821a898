import { InputError, usageError } from "./errors.js";
import { readJsonFile } from "./read-json-file.js";

/**
 * Reads a user's prompt file: a JSON object with any subset of `defaults`' keys, each a string; the
 * rest keep their defaults. `slots` names the placeholders a field must keep (all missing ones are
 * named at once). Errors name the file and field.
 */
export function loadPromptFile<P extends Record<keyof P, string>>(path: string, defaults: P, slots: { [K in keyof P]?: readonly string[] }): P {
  const data = readJsonFile(path);
  if (typeof data !== "object" || data === null || Array.isArray(data)) throw new InputError("expected a JSON object of prompt strings", { file: path });
  const prompt: Record<string, string> = { ...defaults };
  for (const [key, value] of Object.entries(data)) {
    if (!(key in defaults)) throw new InputError(`unknown key (expected one of ${Object.keys(defaults).join(", ")})`, { file: path, field: key });
    if (typeof value !== "string") throw new InputError("expected a string", { file: path, field: key });
    prompt[key] = value;
  }
  for (const [field, required] of Object.entries(slots) as [string, readonly string[]][]) {
    const missing = required.filter((slot) => !prompt[field]!.includes(slot));
    if (missing.length > 0) throw new InputError(`must contain ${missing.join(" and ")}`, { file: path, field });
  }
  return prompt as P;
}

/**
 * A prompt given in the library config (`name`, e.g. "openiePrompts"): an object with every key of
 * `defaults`, each a string, keeping `slots`' placeholders (spread the defaults to change a few).
 */
export function checkPrompt<P extends Record<keyof P, string>>(name: string, value: unknown, defaults: P, slots: { [K in keyof P]?: readonly string[] }): void {
  const hint = `give an object with ${Object.keys(defaults).join(", ")}, e.g. { ...DEFAULT, ${Object.keys(defaults)[0]}: "…" }`;
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw usageError(`${name} must be an object of prompt strings, got ${value === null ? "null" : Array.isArray(value) ? "a list" : typeof value}`, hint);
  for (const key of Object.keys(value)) if (!(key in defaults)) throw usageError(`${name}.${key} is not a prompt`, hint);
  for (const key of Object.keys(defaults)) {
    const text = (value as Record<string, unknown>)[key];
    if (typeof text !== "string") throw usageError(`${name}.${key} must be a string, got ${text === undefined ? "nothing" : typeof text}`, hint);
    const missing = ((slots as Record<string, readonly string[] | undefined>)[key] ?? []).filter((slot) => !text.includes(slot));
    if (missing.length) throw usageError(`${name}.${key} must contain ${missing.join(" and ")}`);
  }
}
