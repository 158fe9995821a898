import { parseLenientJson } from "../openie/lenient-json.js";
import { getCloseMatches, pyListRepr, pyTupleReprOf } from "./sequence-matcher.js";

export type FilterParse = { ok: true; facts: string[][] } | { ok: false; error: string };

/**
 * Reads the filter reply (spec §7.3): split into `[[ ## name ## ]]` sections (text after a header on
 * its line is dropped), take `fact_after_filter`, parse JSON then a Python literal, and validate
 * `{"fact": list[list[str]]}`. Beyond upstream: a reply with no headers but a `{"fact": …}` object
 * is accepted too (small local models often drop the markers).
 */
export function parseFilterOutput(reply: string): FilterParse {
  const sections = new Map<string, string[]>();
  let current: string | undefined;
  for (const line of reply.split("\n")) {
    const header = /^\[\[ ## (\w+) ## \]\]/.exec(line.trim());
    if (header) {
      current = header[1]!;
      sections.set(current, []);
      continue;
    }
    if (current) sections.get(current)!.push(line);
  }
  const text = sections.has("fact_after_filter") ? sections.get("fact_after_filter")!.join("\n").trim() : findFactObject(reply);
  if (text === undefined) return { ok: false, error: "no [[ ## fact_after_filter ## ]] section and no {\"fact\": [...]} object in the reply" };
  const value = parseLenientJson(text);
  if (typeof value !== "object" || value === null || !Array.isArray((value as { fact?: unknown }).fact)) {
    return { ok: false, error: `fact_after_filter is not {"fact": [[...], ...]}: ${JSON.stringify(text.slice(0, 120))}` };
  }
  const facts = (value as { fact: unknown[] }).fact;
  if (!facts.every((f) => Array.isArray(f) && f.every((x) => typeof x === "string"))) {
    return { ok: false, error: "fact_after_filter.fact must be a list of lists of strings" };
  }
  return { ok: true, facts: facts as string[][] };
}

function findFactObject(reply: string): string | undefined {
  const start = reply.search(/\{\s*["']fact["']\s*:/);
  if (start < 0) return undefined;
  let depth = 0;
  for (let i = start; i < reply.length; i++) {
    if (reply[i] === "{") depth++;
    else if (reply[i] === "}" && --depth === 0) return reply.slice(start, i + 1);
  }
  return undefined;
}

/**
 * Maps generated facts back to candidate indices as upstream does: each generated fact goes to the
 * candidate whose Python repr is closest (`get_close_matches(str(list), [str(tuple)], n=1, cutoff)`).
 * With upstream's cutoff 0 every generated fact maps somewhere, even a hallucinated one; an exact
 * match is taken first. Order = generated order, duplicates kept, at most `limit`.
 */
export function mapToCandidates(generated: readonly string[][], candidates: readonly string[][], limit: number, cutoff = 0): number[] {
  const reprs = candidates.map(pyTupleReprOf);
  const keys = candidates.map((c) => JSON.stringify(c));
  const out: number[] = [];
  for (const fact of generated) {
    const exact = keys.indexOf(JSON.stringify(fact));
    if (exact >= 0) out.push(exact);
    else {
      // A runaway generated "fact" (megabytes) would make the fuzzy match quadratic; its first 4 KB
      // decide the match against candidates a few hundred characters long anyway.
      const [best] = getCloseMatches(pyListRepr(fact).slice(0, 4096), reprs, 1, cutoff);
      if (best !== undefined) out.push(reprs.indexOf(best));
    }
    if (out.length >= limit) break;
  }
  return out;
}
