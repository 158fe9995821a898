import type { TokenCounter } from "./token-count.js";

export interface ChunkSettings {
  /** Upper bound on the tokens of one chunk. */
  maxTokens: number;
  /** Tokens repeated at the start of the next chunk (whole sentences where possible). */
  overlapTokens: number;
}

/** `--chunk-overlap` when not given: an eighth of the chunk size. */
export function defaultOverlap(maxTokens: number): number {
  return Math.floor(maxTokens / 8);
}

/** A chunk of a text and where it sits in it: `text === source.slice(start, end)`. */
export interface TextChunk {
  text: string;
  start: number;
  end: number;
  tokens: number;
}

interface Unit {
  start: number;
  end: number;
  tokens: number;
  /** The unit opens a paragraph (a blank line before it), the preferred place to cut. */
  paragraph: boolean;
}

/**
 * Splits `text` into chunks of at most `maxTokens` tokens that overlap by up to `overlapTokens`.
 * Cuts fall between paragraphs where possible, else between sentences, else between words; only a
 * single "word" longer than the limit (a URL, a table row) is cut inside. A text within the limit is
 * one chunk, unchanged.
 */
export function chunkText(text: string, settings: ChunkSettings, counter: TokenCounter): TextChunk[] {
  const whole = counter.count(text);
  if (whole <= settings.maxTokens) return [{ text, start: 0, end: text.length, tokens: whole }];
  const units = splitUnits(text, settings.maxTokens, counter);
  // Unit counts are summed instead of re-tokenizing every candidate chunk (tokenizers split at
  // whitespace, so the sum is the chunk's count in practice); each chunk is then checked for real.
  const sum = (from: number, to: number) => {
    let total = 0;
    for (let k = from; k <= to; k++) total += units[k]!.tokens;
    return total;
  };
  const chunks: TextChunk[] = [];
  let first = 0;
  while (first < units.length) {
    let last = first;
    let size = units[first]!.tokens;
    // grow while the chunk stays within the limit
    while (last + 1 < units.length && size + units[last + 1]!.tokens <= settings.maxTokens) size += units[++last]!.tokens;
    // prefer ending before a paragraph break if that keeps the chunk at least half full
    if (last + 1 < units.length && !units[last + 1]!.paragraph) {
      for (let k = last; k > first; k--) {
        if (units[k + 1]!.paragraph && sum(first, k) * 2 >= settings.maxTokens) {
          last = k;
          break;
        }
      }
    }
    let slice = text.slice(units[first]!.start, units[last]!.end);
    let tokens = counter.count(slice);
    while (tokens > settings.maxTokens && last > first) {
      last--;
      slice = text.slice(units[first]!.start, units[last]!.end);
      tokens = counter.count(slice);
    }
    chunks.push({ text: slice, start: units[first]!.start, end: units[last]!.end, tokens });
    if (last + 1 >= units.length) break;
    // the next chunk starts with the trailing whole units of this one that fit in the overlap
    let next = last + 1;
    let overlap = 0;
    while (next - 1 > first && overlap + units[next - 1]!.tokens <= settings.overlapTokens) overlap += units[--next]!.tokens;
    first = next;
  }
  return chunks;
}

/** Paragraphs, then sentences, then words, then characters, until every unit fits the limit. */
function splitUnits(text: string, maxTokens: number, counter: TokenCounter): Unit[] {
  const units: Unit[] = [];
  const paragraphs = spans(text, 0, text.length, /\n\s*\n/g);
  for (const [pStart, pEnd] of paragraphs) {
    let opens = true;
    for (const [sStart, sEnd] of spans(text, pStart, pEnd, /(?<=[.!?。！？…])["'”’)\]]*\s+/gu)) {
      const add = (start: number, end: number, tokens = counter.count(text.slice(start, end))) => {
        units.push({ start, end, tokens, paragraph: opens });
        opens = false;
      };
      const sentenceTokens = counter.count(text.slice(sStart, sEnd));
      if (sentenceTokens <= maxTokens) {
        add(sStart, sEnd, sentenceTokens);
        continue;
      }
      for (const [wStart, wEnd] of spans(text, sStart, sEnd, /\s+/g)) {
        const wordTokens = counter.count(text.slice(wStart, wEnd));
        if (wordTokens <= maxTokens) add(wStart, wEnd, wordTokens);
        else for (const [cStart, cEnd] of hardSplit(text, wStart, wEnd, maxTokens, counter)) add(cStart, cEnd);
      }
    }
  }
  return units;
}

/** The non-empty, trimmed pieces of text[from, to) between matches of `separator`. */
function spans(text: string, from: number, to: number, separator: RegExp): [number, number][] {
  const out: [number, number][] = [];
  const region = text.slice(from, to);
  let cursor = 0;
  const push = (start: number, end: number) => {
    const piece = region.slice(start, end);
    const lead = piece.length - piece.trimStart().length;
    const trimmed = piece.trim();
    if (trimmed) out.push([from + start + lead, from + start + lead + trimmed.length]);
  };
  for (const match of region.matchAll(separator)) {
    push(cursor, match.index);
    cursor = match.index + match[0].length;
  }
  push(cursor, region.length);
  return out;
}

/** Cuts one over-long word into pieces within the limit (binary search on the end; never inside a surrogate pair). */
function hardSplit(text: string, from: number, to: number, maxTokens: number, counter: TokenCounter): [number, number][] {
  const out: [number, number][] = [];
  const safe = (index: number) => (index < to && /[\udc00-\udfff]/.test(text[index]!) ? index + 1 : index);
  let start = from;
  while (start < to) {
    let low = safe(start + 1);
    let high = to;
    while (low < high) {
      const mid = safe((low + high + 1) >> 1);
      if (mid > high) break;
      if (counter.count(text.slice(start, mid)) <= maxTokens) low = mid;
      else high = mid - 1;
    }
    const end = Math.max(safe(low), safe(start + 1));
    out.push([start, end]);
    start = end;
  }
  return out;
}
