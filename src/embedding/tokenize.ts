/**
 * Word tokenizer shared by the lexical encoder and BM25: lower-case alphanumeric runs (Unicode
 * letters kept, accents folded), English stop words dropped, a light suffix stemmer.
 */
const STOP_WORDS = new Set(
  ("a an the and or but if then else of to in on at by for with from into onto over under about as is are was were be been being " +
    "am do does did doing have has had having this that these those it its it's he him his she her hers they them their theirs " +
    "we us our you your i me my mine who whom whose which what when where why how than too very can could should would may might " +
    "must will shall not no nor so such there here also just only any all both each few more most other some same own again further " +
    "once up down out off s t").split(" "),
);

export function tokenize(text: string): string[] {
  const words = text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const out: string[] = [];
  for (const word of words) {
    if (STOP_WORDS.has(word)) continue;
    out.push(stem(word));
  }
  return out;
}

/** A small, predictable stemmer (plural and common verb endings); numbers stay as they are. */
export function stem(word: string): string {
  if (word.length <= 3 || /\d/.test(word)) return word;
  if (word.endsWith("ies") && word.length > 4) return `${word.slice(0, -3)}y`;
  if (word.endsWith("sses")) return word.slice(0, -2);
  if (word.endsWith("ing") && word.length > 5) return word.slice(0, -3);
  if (word.endsWith("ed") && word.length > 4) return word.slice(0, -2);
  if (word.endsWith("es") && word.length > 4 && /(?:ch|sh|x|z)es$/.test(word)) return word.slice(0, -2);
  if (word.endsWith("s") && !word.endsWith("ss") && !word.endsWith("us") && !word.endsWith("is")) return word.slice(0, -1);
  return word;
}
