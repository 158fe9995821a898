import { pySplit } from "../core/python-builtins.js";

/**
 * SQuAD `normalize_answer` as upstream uses it: lower-case, drop ASCII punctuation (Python
 * `string.punctuation`), replace the words a/an/the with a space, collapse whitespace.
 * Python's `\b` is Unicode-aware, so word boundaries here use Unicode letters/digits too; whitespace
 * is Python's `split()`'s (which differs from `\s` on U+001C–U+001F, U+0085 and U+FEFF).
 */
const PUNCTUATION = new Set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~");
const ARTICLES = /(?<![\p{L}\p{N}_])(?:a|an|the)(?![\p{L}\p{N}_])/gu;

export function normalizeAnswer(text: string): string {
  let out = "";
  for (const ch of text.toLowerCase()) if (!PUNCTUATION.has(ch)) out += ch;
  return pySplit(out.replace(ARTICLES, " ")).join(" ");
}
