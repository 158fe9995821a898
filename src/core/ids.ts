import { createHash } from "node:crypto";

/** md5 of the UTF-8 bytes, 32 lowercase hex digits (upstream `compute_mdhash_id`). */
export function md5Hex(text: string): string {
  return createHash("md5").update(text, "utf8").digest("hex");
}

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

export type IdKind = "chunk" | "entity" | "fact";

/** Content-addressed id with a kind prefix: `chunk-<md5>`, `entity-<md5>`, `fact-<md5>`. */
export function contentId(kind: IdKind, text: string): string {
  return `${kind}-${md5Hex(text)}`;
}

/** Passage id exactly as upstream: `chunk-` + md5 of the indexed string (`title\ntext`). */
export function passageId(passageText: string): string {
  return contentId("chunk", passageText);
}

/**
 * Upstream `text_processing`: lower-case, every char outside [A-Za-z0-9 ] becomes one space, trim.
 * Internal space runs are kept on purpose ("James P. Hogan" -> "james p  hogan"), as upstream does,
 * because entity ids (md5 of this string) must match upstream's.
 */
export function textProcessing(value: unknown): string {
  const text = typeof value === "string" ? value : pyStr(value);
  return text.toLowerCase().replace(/[^A-Za-z0-9 ]/g, " ").replace(/^ +| +$/g, "");
}

/** Python `str()` for the JSON scalars an LLM may put in a triple. */
export function pyStr(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === null || value === undefined) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "number") {
    if (Number.isNaN(value)) return "nan";
    if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
    return Number.isInteger(value) && !Object.is(value, -0) ? String(value) : pyFloatRepr(value);
  }
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(", ")}]`;
  return JSON.stringify(value);
}

function pyFloatRepr(value: number): string {
  // Python prints floats that are integral as "3.0"; JSON numbers parsed from "3.0" are integral in JS,
  // which we cannot tell apart, so integral numbers print as ints (documented difference).
  return String(value);
}

function pyRepr(value: unknown): string {
  if (typeof value === "string") return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
  return pyStr(value);
}

/** Python repr of a processed triple tuple: `('s', 'p', 'o')`. Processed strings hold no quotes. */
export function pyTupleRepr(triple: readonly string[]): string {
  return `(${triple.map((part) => `'${part}'`).join(", ")})`;
}

/** Fact id of a processed triple (upstream: md5 of the tuple repr). */
export function factId(triple: readonly string[]): string {
  return contentId("fact", pyTupleRepr(triple));
}

export function entityId(processedPhrase: string): string {
  return contentId("entity", processedPhrase);
}
