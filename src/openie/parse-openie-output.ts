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

/**
 * The balanced {...} / [...] spans of the text, [start, end] in order of start, found in ONE pass
 * (string-aware). A closer that does not match the innermost opener ends every span still open:
 * none of them can balance (exactly what scanning forward from each of them would find).
 */
function bracketSpans(text: string): [number, number][] {
  const spans: [number, number][] = [];
  const stack: number[] = [];
  let inString = false;
  let quote = "";
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === quote) inString = false;
      continue;
    }
    if (ch === '"' || (ch === "'" && /[\s[{(,:]/.test(text[i - 1] ?? " "))) {
      inString = true;
      quote = ch;
    } else if (ch === "{" || ch === "[") stack.push(i);
    else if (ch === "}" || ch === "]") {
      const open = stack.pop();
      if (open === undefined) continue;
      if (text[open] !== (ch === "}" ? "{" : "[")) stack.length = 0;
      else spans.push([open, i]);
    }
  }
  return spans.sort((x, y) => x[0] - y[0]);
}

/**
 * The first object inside a parsed value (pre-order = order of appearance) for which `pick` gives
 * something. Iterative: JSON.parse accepts nesting a megabyte deep, which recursion would not survive.
 */
function pickNested<T>(value: unknown, pick: (value: unknown, whole: boolean) => T | undefined): T | undefined {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [item, depth] = stack.pop()!;
    if (!item || typeof item !== "object") continue;
    if (depth > 0 && !Array.isArray(item)) {
      const picked = pick(item, false);
      if (picked !== undefined) return picked;
    }
    if (depth >= MAX_PICK_DEPTH) continue; // no reply nests its answer this deep
    const children = Array.isArray(item) ? item : Object.values(item);
    for (let i = children.length - 1; i >= 0; i--) stack.push([children[i], depth + 1]);
  }
  return undefined;
}

const MAX_PICK_DEPTH = 16;
/** At most this many spans are parsed per reply: a real reply has a handful. */
const MAX_ATTEMPTS = 5_000;

/** Whether a span could start a JSON value at all ("[ ## header ## ]" cannot): skips hopeless parses cheaply. */
function plausibleStart(text: string, start: number): boolean {
  let i = start + 1;
  while (i < text.length && text.charCodeAt(i) <= 32) i++;
  const next = text[i];
  if (next === undefined) return false;
  if (text[start] === "{") return next === '"' || next === "'" || next === "}";
  return /["'[{\]\d.\-tfnTFN]/.test(next);
}

/**
 * Finds the first JSON value in the reply for which `pick` returns something: the whole reply, else
 * each balanced span in order of appearance. Linear in the reply whatever it holds (a model may send
 * a megabyte of brackets): spans are found in one pass, a span that parses is searched as a tree
 * (its nested spans are not parsed again), and the text re-read for spans that do not parse is
 * bounded by a budget of a few times the reply's length.
 */
function findValue<T>(raw: string, finishReason: string, pick: (value: unknown, whole: boolean) => T | undefined): T | undefined {
  let text = stripFences(raw).trim();
  if (finishReason === "length") text = fixBrokenGeneratedJson(text);
  const whole = parseLenientJson(text);
  if (whole !== undefined) return pick(whole, true) ?? pickNested(whole, pick);
  // A bare list counts only when no object encloses it (inside one it belongs to a wrong key).
  const firstBrace = text.indexOf("{");
  let budget = 8 * text.length + 100_000;
  let attempts = 0;
  let parsedUntil = -1;
  for (const [start, end] of bracketSpans(text)) {
    if (start <= parsedUntil || !plausibleStart(text, start)) continue; // inside a span already searched, or not a value
    budget -= end - start + 1;
    if (budget < 0 || ++attempts > MAX_ATTEMPTS) return undefined;
    const value = parseLenientJson(text.slice(start, end + 1), { native: end - start > 256 });
    if (value === undefined) continue;
    const bareOk = firstBrace < 0 || start < firstBrace;
    const picked = Array.isArray(value) && !bareOk ? undefined : pick(value, Array.isArray(value));
    if (picked !== undefined) return picked;
    const nested = pickNested(value, pick);
    if (nested !== undefined) return nested;
    parsedUntil = end;
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
