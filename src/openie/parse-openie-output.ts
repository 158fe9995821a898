import { pyStr } from "../core/ids.js";
import { parseLenientJson } from "./lenient-json.js";

export type ParseOutcome<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * Upstream `fix_broken_generated_json` (spec §3.4), for replies cut off by the token limit:
 * keep valid JSON; otherwise drop everything from the last comma, then close the still-open
 * brackets in reverse order (string literals and escapes are tracked while scanning).
 */
export function fixBrokenGeneratedJson(text: string): string {
  try {
    JSON.parse(text);
    return text;
  } catch {
    /* repair below */
  }
  const lastComma = text.lastIndexOf(",");
  const head = lastComma >= 0 ? text.slice(0, lastComma) : text;
  const open: string[] = [];
  let inString = false;
  let quote = "";
  for (let i = 0; i < head.length; i++) {
    const ch = head[i]!;
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === quote) inString = false;
      continue;
    }
    if (ch === '"' || ch === "'") {
      inString = true;
      quote = ch;
    } else if (ch === "{" || ch === "[") open.push(ch === "{" ? "}" : "]");
    else if ((ch === "}" || ch === "]") && open.length) open.pop();
  }
  return head + (inString ? quote : "") + open.reverse().join("");
}

/** Removes ```json fences and surrounding chatter markers. */
function stripFences(text: string): string {
  const fenced = /```(?:json|JSON|python)?\s*\n?([\s\S]*?)```/.exec(text);
  return fenced ? fenced[1]! : text;
}

/** Every balanced {...} or [...] substring, outermost first, in order of appearance (string-aware). */
function* jsonCandidates(text: string): Generator<[number, string]> {
  for (let start = 0; start < text.length; start++) {
    const ch = text[start];
    if (ch !== "{" && ch !== "[") continue;
    const end = balancedEnd(text, start);
    if (end > start) yield [start, text.slice(start, end + 1)];
  }
}

function balancedEnd(text: string, start: number): number {
  const stack: string[] = [];
  let inString = false;
  let quote = "";
  for (let i = start; i < text.length; i++) {
    const ch = text[i]!;
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === quote) inString = false;
      continue;
    }
    if (ch === '"' || (ch === "'" && /[\s[{(,:]/.test(text[i - 1] ?? " "))) {
      inString = true;
      quote = ch;
    } else if (ch === "{" || ch === "[") stack.push(ch === "{" ? "}" : "]");
    else if (ch === "}" || ch === "]") {
      if (stack.pop() !== ch) return -1;
      if (stack.length === 0) return i;
    }
  }
  return -1;
}

/** Finds the first JSON value in the reply for which `pick` returns something. */
function findValue<T>(raw: string, finishReason: string, pick: (value: unknown, whole: boolean) => T | undefined): T | undefined {
  let text = stripFences(raw).trim();
  if (finishReason === "length") text = fixBrokenGeneratedJson(text);
  const whole = parseLenientJson(text);
  const direct = whole === undefined ? undefined : pick(whole, true);
  if (direct !== undefined) return direct;
  // A bare list counts only when no object encloses it (inside one it belongs to a wrong key).
  const firstBrace = text.indexOf("{");
  for (const [start, candidate] of jsonCandidates(text)) {
    const value = parseLenientJson(candidate);
    const bareOk = firstBrace < 0 || start < firstBrace;
    const picked = value === undefined || (Array.isArray(value) && !bareOk) ? undefined : pick(value, Array.isArray(value));
    if (picked !== undefined) return picked;
  }
  return undefined;
}

function uniqueStrings(values: readonly unknown[]): string[] {
  return [...new Set(values.map(pyStr))];
}

/** NER reply → unique entity strings (first-seen order). Accepts {"named_entities": [...]} or a bare list. */
export function parseNerOutput(raw: string, finishReason = "stop"): ParseOutcome<string[]> {
  if (raw.trim() === "") return { ok: false, error: "empty reply" };
  const entities = findValue(raw, finishReason, (value, whole) => {
    if (whole && Array.isArray(value) && value.every((item) => !Array.isArray(item) && typeof item !== "object")) return value;
    if (value && typeof value === "object" && Array.isArray((value as Record<string, unknown>).named_entities)) {
      return (value as Record<string, unknown[]>).named_entities!;
    }
    return undefined;
  });
  if (entities === undefined) return { ok: false, error: `no {"named_entities": [...]} in the reply: ${preview(raw)}` };
  return { ok: true, value: uniqueStrings(entities.filter((e) => e !== null && e !== undefined)) };
}

/** Triple reply → triples as produced (each element via Python `str`), arity-filtered and deduped. */
export function parseTripleOutput(raw: string, finishReason = "stop"): ParseOutcome<string[][]> {
  if (raw.trim() === "") return { ok: false, error: "empty reply" };
  const triples = findValue(raw, finishReason, (value, whole) => {
    if (whole && Array.isArray(value) && value.every(Array.isArray)) return value as unknown[];
    if (value && typeof value === "object" && Array.isArray((value as Record<string, unknown>).triples)) {
      return (value as Record<string, unknown[]>).triples!;
    }
    return undefined;
  });
  if (triples === undefined) return { ok: false, error: `no {"triples": [[s, p, o], ...]} in the reply: ${preview(raw)}` };
  return { ok: true, value: filterInvalidTriples(triples) };
}

/** Upstream `filter_invalid_triples`: only 3-element lists, elements as Python `str`, exact duplicates dropped. */
export function filterInvalidTriples(triples: readonly unknown[]): string[][] {
  const seen = new Set<string>();
  const out: string[][] = [];
  for (const triple of triples) {
    if (!Array.isArray(triple) || triple.length !== 3) continue;
    const strings = triple.map(pyStr);
    const key = JSON.stringify(strings);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(strings);
  }
  return out;
}

function preview(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return JSON.stringify(flat.length > 120 ? `${flat.slice(0, 120)}…` : flat);
}
