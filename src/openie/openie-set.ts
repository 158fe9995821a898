import { fingerprint } from "../core/fingerprint.js";
import { DEFAULT_OPENIE_PROMPTS, type OpenIEPrompts } from "./prompts/openie-prompts.js";

/**
 * Which OpenIE results a passage's record belongs to: the model, and the prompts when they are not
 * the built-in ones. The prompts are an input of every result (another prompt, other triples), so a
 * run with `--openie-prompts` extracts into a set of its own (`<model>@prompts:<hash>`) and never
 * reuses or mixes with results of other prompts; indexes built on either stay apart, as two encoders'
 * do. Imported results carry no prompts and keep the model name of their file.
 */
export function openieSetId(model: string, prompts: OpenIEPrompts = DEFAULT_OPENIE_PROMPTS): string {
  const own = fingerprint(prompts);
  return own === DEFAULT_FINGERPRINT ? model : `${model}@prompts:${own.slice(0, 8)}`;
}

/** The model that extracts a set's results ("gpt-4o-mini@prompts:1a2b3c4d" → "gpt-4o-mini"). */
export function openieSetModel(setId: string): string {
  return setId.replace(/@prompts:[0-9a-f]{8}$/, "");
}

const DEFAULT_FINGERPRINT = fingerprint(DEFAULT_OPENIE_PROMPTS);
