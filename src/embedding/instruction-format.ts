import { md5Hex } from "../core/ids.js";
import { usageError } from "../core/errors.js";

/**
 * How a query instruction is put in front of the query, per model family. Upstream: NV-Embed-v2 uses
 * "Instruct: …\nQuery: ", GritLM "<|user|>\n…\n<|embed|>\n"; its OpenAI class drops instructions.
 * We never drop silently: `auto` picks by model name and `none` must be asked for (or is the family's norm).
 */
export type InstructionFormat = "auto" | "nv-embed" | "gritlm" | "e5" | "bge" | "none" | { template: string };

export function parseInstructionFormat(value: string): InstructionFormat {
  if (["auto", "nv-embed", "gritlm", "e5", "bge", "none"].includes(value)) return value as InstructionFormat;
  if (value.includes("{instruction}") || value.includes("{query}")) return { template: value };
  throw usageError(`unknown --instruction-format "${value}"`, 'use auto, nv-embed, gritlm, e5, bge, none, or a template with {instruction} and {query}');
}

export function resolveInstructionFormat(format: InstructionFormat, modelName: string): Exclude<InstructionFormat, "auto"> {
  if (format !== "auto") return format;
  const name = modelName.toLowerCase();
  if (name.includes("nv-embed")) return "nv-embed";
  if (name.includes("gritlm")) return "gritlm";
  if (/(^|[/_-])e5([_-]|$)|multilingual-e5/.test(name)) return "e5";
  if (name.includes("bge")) return "bge";
  // OpenAI text-embedding-*, Cohere, MiniLM, mpnet…: trained without instructions.
  return "none";
}

/** Builds the model input for a query (instruction given) or a stored item (no instruction). */
export function applyInstruction(format: Exclude<InstructionFormat, "auto">, text: string, instruction: string | undefined): string {
  if (typeof format === "object") {
    return instruction === undefined ? text : format.template.replace("{instruction}", () => instruction).replace("{query}", () => text);
  }
  switch (format) {
    case "nv-embed":
      return instruction ? `Instruct: ${instruction}\nQuery: ${text}` : text;
    case "gritlm":
      return instruction ? `<|user|>\n${instruction}\n<|embed|>\n${text}` : `<|embed|>\n${text}`;
    case "e5":
      return instruction ? `query: ${text}` : `passage: ${text}`;
    case "bge":
      return instruction ? `Represent this sentence for searching relevant passages: ${text}` : text;
    case "none":
      return text;
  }
}

/**
 * How an encoder id names its format: the named format, or `tpl-<md5 of the template, 12 hex>`. The
 * id keys the index and every stored vector and run, so two templates must never share one (the
 * template's length did: "{instruction}: {query}" and "{query}: {instruction}" were one index).
 */
export function formatLabel(format: Exclude<InstructionFormat, "auto">): string {
  return typeof format === "object" ? `tpl-${md5Hex(format.template).slice(0, 12)}` : format;
}
